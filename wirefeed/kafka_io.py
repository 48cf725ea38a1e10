"""Kafka at the edges of the job: publish raw items and dead letters, read a snapshot of a topic,
commit offsets once the documents are safe in Elasticsearch."""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Iterable, Iterator

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError
from kafka.serializer import Serializer
from kafka.structs import OffsetAndMetadata

log = logging.getLogger(__name__)


class KafkaUnavailable(RuntimeError):
    """The broker could not be reached or did not acknowledge; nothing was committed."""


def ensure_topics(bootstrap: str, topics: dict[str, int]) -> None:
    """Create the topics that are missing (idempotent)."""
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="wirefeed-admin", request_timeout_ms=15000)
    except KafkaError as exc:
        raise KafkaUnavailable(f"cannot reach Kafka at {bootstrap}: {exc}") from None
    try:
        existing = set(admin.list_topics())
        missing = [NewTopic(name, partitions, 1) for name, partitions in topics.items() if name not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()


class _KeySerializer(Serializer):
    def serialize(self, topic, value):
        return value.encode("utf-8") if value is not None else None


class _JsonSerializer(Serializer):
    def serialize(self, topic, value):
        return json.dumps(value, ensure_ascii=False).encode("utf-8")


class JsonProducer:
    """Publishes JSON messages keyed by id; :meth:`flush` returns only once the broker acknowledged all."""

    def __init__(self, bootstrap: str, client_id: str = "wirefeed"):
        try:
            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap, client_id=client_id, acks="all", linger_ms=10,
                retries=5, max_in_flight_requests_per_connection=1, request_timeout_ms=30000,
                key_serializer=_KeySerializer(), value_serializer=_JsonSerializer())
        except KafkaError as exc:
            raise KafkaUnavailable(f"cannot reach Kafka at {bootstrap}: {exc}") from None
        self._pending = []

    def send(self, topic: str, value: dict, key: str | None = None) -> None:
        self._pending.append(self._producer.send(topic, key=key, value=value))

    def flush(self, timeout: float = 60) -> int:
        self._producer.flush(timeout=timeout)
        sent = 0
        for future in self._pending:
            try:
                future.get(timeout=timeout)
            except KafkaError as exc:
                raise KafkaUnavailable(f"Kafka did not acknowledge a message: {exc}") from None
            sent += 1
        self._pending.clear()
        return sent

    def close(self) -> None:
        self._producer.close(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@dataclass(frozen=True)
class OffsetRange:
    """Offsets [start, end) of one partition: a unit of work of the scheduled job."""
    topic: str
    partition: int
    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start


def _consumer(bootstrap: str, group: str | None) -> KafkaConsumer:
    try:
        return KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                             client_id="wirefeed-process", request_timeout_ms=30000, consumer_timeout_ms=1000)
    except KafkaError as exc:
        raise KafkaUnavailable(f"cannot reach Kafka at {bootstrap}: {exc}") from None


def snapshot(bootstrap: str, topic: str, group: str) -> list[OffsetRange]:
    """For each partition: from the group's committed offset (or the beginning) to the end as of now.
    Messages that arrive later belong to the next run."""
    consumer = _consumer(bootstrap, group)
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            return []
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        ends = consumer.end_offsets(tps)
        beginnings = consumer.beginning_offsets(tps)
        ranges = []
        for tp in tps:
            committed = consumer.committed(tp)
            start = max(committed if committed is not None else 0, beginnings[tp])
            ranges.append(OffsetRange(topic, tp.partition, start, ends[tp]))
        return ranges
    finally:
        consumer.close()


def split(ranges: Iterable[OffsetRange], chunk: int) -> list[OffsetRange]:
    """Cut ranges into chunks so several workers can read one partition's backlog."""
    pieces = []
    for r in ranges:
        for start in range(r.start, r.end, chunk):
            pieces.append(OffsetRange(r.topic, r.partition, start, min(start + chunk, r.end)))
    return pieces


def read_range(bootstrap: str, r: OffsetRange, timeout: float = 120) -> Iterator[dict]:
    """Every record of one offset range (compacted or deleted offsets are skipped by the broker)."""
    consumer = _consumer(bootstrap, None)
    tp = TopicPartition(r.topic, r.partition)
    try:
        consumer.assign([tp])
        consumer.seek(tp, r.start)
        deadline = time.monotonic() + timeout
        position = r.start
        while position < r.end:
            if time.monotonic() > deadline:
                raise KafkaUnavailable(f"reading {r} stalled at offset {position} for {timeout:.0f}s")
            batch = consumer.poll(timeout_ms=1000, max_records=500).get(tp, [])
            for record in batch:
                if record.offset >= r.end:
                    return
                position = record.offset + 1
                yield {"topic": r.topic, "partition": r.partition, "offset": record.offset,
                       "key": record.key.decode("utf-8", "replace") if record.key else None,
                       "value": record.value}
            if not batch:
                position = max(position, consumer.position(tp))
    finally:
        consumer.close()


def commit(bootstrap: str, group: str, ranges: Iterable[OffsetRange]) -> None:
    """Commit each partition's end offset for the group: called only after Elasticsearch acknowledged."""
    offsets = {}
    for r in ranges:
        tp = TopicPartition(r.topic, r.partition)
        offsets[tp] = max(offsets.get(tp, 0), r.end)
    if not offsets:
        return
    consumer = _consumer(bootstrap, group)
    try:
        consumer.commit({tp: OffsetAndMetadata(end, "", -1) for tp, end in offsets.items()})
    except KafkaError as exc:
        raise KafkaUnavailable(f"committing offsets for group {group} failed: {exc}") from None
    finally:
        consumer.close()
