"""`wirefeed process --streaming` on the real services: items indexed as they arrive, offsets
committed behind Elasticsearch, a poison message dead-lettered without stalling its partition; and,
marked `fault`, the job SIGKILLed, Elasticsearch stopped for 30 s and the Kafka broker restarted
mid-stream, each ending with every document indexed once and every offset committed."""
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from benchmarks.corpus import raw_items
from wirefeed import kafka_io


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Streaming:
    """One `wirefeed process --streaming` process on the job's config."""

    def __init__(self, job):
        self.job = job
        self.port = free_port()
        self.log = open(job.workdir / f"stream-{time.monotonic_ns()}.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wirefeed.cli", "process", "--streaming", "--config", str(job.workdir / "config.yaml"),
             "--metrics-port", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def running(self) -> bool:
        return self.process.poll() is None

    def metrics(self) -> dict[str, float]:
        text = requests.get(f"http://127.0.0.1:{self.port}/metrics", timeout=5).text
        return {line.split()[0]: float(line.split()[1]) for line in text.splitlines() if not line.startswith("#")}

    def stop(self) -> int:
        if self.running():
            os.killpg(self.process.pid, signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.log.close()
        return code

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def output(self) -> str:
        return open(self.log.name).read()


def remaining(job) -> int:
    return sum(r.size for r in kafka_io.snapshot(job.settings.kafka_bootstrap, job.raw_topic, job.name))


def indexed(job) -> int:
    try:
        return job.documents_count()
    except Exception:  # noqa: BLE001 - the index appears with the first flush; Elasticsearch may be down
        return -1


def wait_until(condition, timeout: float, stream=None, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if stream is not None and not stream.running():
            raise AssertionError(f"the streaming job ended early:\n{stream.output()[-3000:]}")
        time.sleep(step)
    return False


def publish_steadily(job, items, per_second: float) -> threading.Thread:
    def run():
        with kafka_io.JsonProducer(job.settings.kafka_bootstrap) as producer:
            started = time.monotonic()
            for n, item in enumerate(items):
                time.sleep(max(0.0, started + n / per_second - time.monotonic()))
                producer.send(job.raw_topic, item, key=item["id"])
            producer.flush()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def services(action: str, name: str) -> None:
    result = subprocess.run([sys.executable, "-m", "wirefeed.cli", "services", action, name],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


@contextlib.contextmanager
def stopped(name: str):
    """A local service stopped for the block, started again however the block ends."""
    services("down", name)
    try:
        yield
    finally:
        services("up", name)


def assert_all_indexed_once(job, items, stream) -> None:
    """Every offset committed and every item indexed exactly once (documents' ids are the items')."""
    assert wait_until(lambda: remaining(job) == 0 and indexed(job) == len(items), 180, stream)
    assert set(job.documents()) == {i["id"] for i in items}


def prepare(job) -> None:
    job.write_config([])
    kafka_io.ensure_topics(job.settings.kafka_bootstrap, {job.raw_topic: 2, job.deadletter_topic: 1})


def test_streaming_indexes_as_items_arrive_and_a_poison_message_does_not_stall(job):
    prepare(job)
    items = raw_items(60)
    stream = Streaming(job)
    try:
        job.publish_raw(items[:30])
        assert wait_until(lambda: indexed(job) == 30, 180, stream), "the first items were not indexed"
        job.publish_raw([b"\xff not json at all", *items[30:]])  # the poison message, then more behind it
        assert wait_until(lambda: indexed(job) == 60 and remaining(job) == 0, 60, stream)
        letters = job.dead_letters()
        assert [(d["stage"], d["source"].split("/")[0]) for d in letters] == [("decode", job.raw_topic)]
        counters = stream.metrics()
        assert counters["wirefeed_stream_records_read_total"] == 61
        assert counters["wirefeed_stream_deadletters_total"] == 1
        assert counters["wirefeed_stream_indexed_total"] >= 60
        docs = job.documents()
        assert {d["id"] for d in docs.values()} == {i["id"] for i in items}
        assert any(d["duplicate_of"] for d in docs.values())  # copies folded into stories as they arrive
    finally:
        assert stream.stop() == 0  # SIGTERM: cancelled cleanly


@pytest.mark.fault
def test_streaming_job_killed_mid_stream_then_restarted_loses_and_duplicates_nothing(job):
    prepare(job)
    items = raw_items(600)
    stream = Streaming(job)
    job.publish_raw(items[:20])
    assert wait_until(lambda: indexed(job) == 20, 180, stream)  # the job is up
    publisher = publish_steadily(job, items[20:], per_second=100)
    assert wait_until(lambda: indexed(job) > 150, 60, stream, step=0.1)
    stream.kill()  # SIGKILL the job and its Prism runner mid-stream
    assert publisher.is_alive()  # the stream goes on without it
    publisher.join(timeout=60)
    assert indexed(job) < len(items) and remaining(job) > 0  # what was read but not committed is still owed
    again = Streaming(job)
    try:
        assert_all_indexed_once(job, items, again)
    finally:
        assert again.stop() == 0


@pytest.mark.fault
def test_elasticsearch_stopped_30_seconds_mid_stream_the_job_backs_off_and_catches_up(job):
    prepare(job)
    items = raw_items(400)
    stream = Streaming(job)
    try:
        job.publish_raw(items[:100])
        assert wait_until(lambda: indexed(job) == 100, 180, stream)
        with stopped("elasticsearch"):
            publisher = publish_steadily(job, items[100:], per_second=20)
            time.sleep(30)
            assert stream.running()  # backing off, not failing
            assert remaining(job) > 0  # nothing committed past what Elasticsearch has
        publisher.join(timeout=60)
        assert_all_indexed_once(job, items, stream)
        assert stream.metrics()["wirefeed_stream_retries_total"] > 0
    finally:
        assert stream.stop() == 0


@pytest.mark.fault
def test_kafka_broker_restarted_mid_stream_loses_nothing(job):
    prepare(job)
    items = raw_items(300)
    stream = Streaming(job)
    try:
        job.publish_raw(items[:100])
        assert wait_until(lambda: indexed(job) == 100 and remaining(job) == 0, 180, stream)
        with stopped("kafka"):
            time.sleep(5)
            assert stream.running()  # the readers wait for the broker, they do not fail the job
        job.publish_raw(items[100:])
        assert_all_indexed_once(job, items, stream)  # whether the readers saw errors or only empty polls
    finally:
        assert stream.stop() == 0


@pytest.mark.fault
def test_elasticsearch_answering_429_is_backed_off_without_loss(job):
    from tests.integration.es_proxy import RejectingProxy

    items = raw_items(200)
    with RejectingProxy(job.settings.es_url, rejections=6) as proxy:
        job.write_config([], url=proxy.url, bulk_size=20)  # small bulks: many requests to reject
        kafka_io.ensure_topics(job.settings.kafka_bootstrap, {job.raw_topic: 2, job.deadletter_topic: 1})
        stream = Streaming(job)
        try:
            publish_steadily(job, items, per_second=100).join(timeout=60)
            assert_all_indexed_once(job, items, stream)
            assert proxy.rejected == 6  # Elasticsearch said "too many requests" six times
            assert job.dead_letters() == []
        finally:
            assert stream.stop() == 0


def test_copies_read_from_different_partitions_fold_into_one_story(job):
    """Partitions set the parallelism (one reader each); stories are assigned under one key, so two
    copies of a dispatch that arrive on different partitions at the same moment still meet."""
    from benchmarks.corpus import seed_items
    from kafka import KafkaProducer

    prepare(job)
    seeds = len(seed_items())
    items = raw_items(2 * seeds)  # item n and item n + seeds are near copies of one dispatch
    stream = Streaming(job)
    try:
        job.publish_raw(items[:1])
        assert wait_until(lambda: indexed(job) == 1, 180, stream)
        producer = KafkaProducer(bootstrap_servers=job.settings.kafka_bootstrap, acks="all")
        for n, item in enumerate(items[1:], 1):
            value = json.dumps(item, ensure_ascii=False).encode()
            producer.send(job.raw_topic, value=value, key=item["id"].encode(), partition=0 if n < seeds else 1)
        producer.flush()
        producer.close()
        assert wait_until(lambda: remaining(job) == 0 and indexed(job) == len(items), 60, stream)
        docs = job.documents()
        pairs = [(docs[items[n]["id"]], docs[items[n + seeds]["id"]]) for n in range(1, seeds)]
        assert all(a["story_id"] == b["story_id"] for a, b in pairs)  # copies across partitions share their story
        assert len({d["story_id"] for d in docs.values()}) < len(docs)
    finally:
        assert stream.stop() == 0
