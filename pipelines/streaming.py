"""The streaming job: wirefeed.raw, unbounded, into Elasticsearch within seconds of a produce.

Read as one sentence: read the raw stream, decode it, enrich the items, then index and commit:
every half second the documents gathered so far have their source boilerplate stripped, their
stories assigned, are bulk-indexed, the dead letters are published, and only then are the Kafka
offsets they stand for committed for the consumer group.

Why a Python splittable DoFn on kafka-python rather than Beam's ``ReadFromKafka``: ours runs in the
same SDK worker as the rest, needs no Java expansion service (a 100 MB jar and a JVM per job), and on
Prism it reaches the measured latency in BENCHMARKS.md; ``ReadFromKafka`` commits offsets when the
runner finalizes a bundle, which is before Elasticsearch has the documents, so it could not give
"committed only after Elasticsearch acknowledged" anyway.

Delivery: each partition is one restriction, read from the group's committed offset; records carry
the reader's position before them (``after``), so the sink commits, per partition, only the offset
up to which every record was indexed or dead-lettered (gaps from compaction or transaction markers
are bridged). Elasticsearch or Kafka down: the flush retries with backoff for ``unavailable_wait``
seconds, then the job fails without committing. Killed at any point: the next start re-reads from
the last commit, and documents carry stable ids, so the effect is exactly once.
"""
from __future__ import annotations

import logging
import random
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import apache_beam as beam
from apache_beam.coders import BooleanCoder, PickleCoder
from apache_beam.io.restriction_trackers import OffsetRange, OffsetRestrictionTracker
from apache_beam.io.watermark_estimators import ManualWatermarkEstimator
from apache_beam.runners.runner import PipelineState
from apache_beam.transforms.core import RestrictionProvider
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import BagStateSpec, ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.utils.timestamp import Duration, Timestamp

from wirefeed import es_io, kafka_io, metrics
from wirefeed.config import Config, ElasticsearchConfig
from wirefeed.pipelines.transforms import (DEAD, POSITION, DecodeRawItem, ElasticsearchDoFn, EnrichItems, Item,
                                           assign_stories, counter, index_batch, latest_versions,
                                           send_dead_letter, strip_source_boilerplate)

log = logging.getLogger(__name__)
UNBOUNDED = 2 ** 62
POLL_MS = 100
IDLE_RESUME_SECONDS = 0.05
FLUSH_SECONDS = 0.5


# Reading -------------------------------------------------------------------------------------------

class _PartitionTracker(OffsetRestrictionTracker):
    """Offsets of one partition, without end: the runner may checkpoint it (resume later from the
    next offset) but never split it in two, since a partition is read in order."""

    def try_split(self, fraction_of_remainder):
        return super().try_split(0) if fraction_of_remainder == 0 else None

    def is_bounded(self):
        return False


class _PartitionRestrictions(RestrictionProvider):
    """A partition's restriction starts at the offset the job was given for it: the committed one."""

    def initial_restriction(self, element):
        _, start = element
        return OffsetRange(start, UNBOUNDED)

    def create_tracker(self, restriction):
        return _PartitionTracker(restriction)

    def restriction_size(self, element, restriction):
        return 1

    def split(self, element, restriction):
        yield restriction

    def truncate(self, element, restriction):
        return None  # draining: stop reading


def _advance(estimator, moment: Timestamp) -> None:
    current = estimator.current_watermark()
    if current is None or moment > current:
        estimator.set_watermark(moment)


class ReadKafkaPartition(beam.DoFn):
    """Splittable DoFn: the records of one partition from a start offset on, polled without end.
    Each record carries ``after``, the reader's position before it. The watermark follows the records'
    timestamps and, when the partition is idle, the clock."""

    def __init__(self, bootstrap: str, topic: str):
        self.bootstrap = bootstrap
        self.topic = topic
        self.consumers = {}
        self.warned = {}

    def setup(self):
        self.consumers = {}
        self.warned: dict[int, float] = {}

    def teardown(self):
        for partition in list(self.consumers):
            self._forget(partition)

    def _forget(self, partition: int) -> None:
        consumer = self.consumers.pop(partition, None)
        if consumer is not None:
            try:
                consumer.close()
            except Exception:  # noqa: BLE001 - closing a consumer whose broker is gone
                pass

    def _consumer(self, partition: int):
        from kafka import KafkaConsumer, TopicPartition

        if partition not in self.consumers:
            consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                                     client_id=f"wirefeed-stream-{partition}", max_poll_records=1000)
            consumer.assign([TopicPartition(self.topic, partition)])
            self.consumers[partition] = consumer
        return self.consumers[partition]

    @beam.DoFn.unbounded_per_element()
    def process(self, element, tracker=beam.DoFn.RestrictionParam(_PartitionRestrictions()),
                watermark=beam.DoFn.WatermarkEstimatorParam(ManualWatermarkEstimator.default_provider())):
        from kafka import TopicPartition

        from kafka.errors import KafkaError

        partition, _ = element
        tp = TopicPartition(self.topic, partition)
        position = tracker.current_restriction().start
        try:
            consumer = self._consumer(partition)
            if consumer.position(tp) != position:
                consumer.seek(tp, position)
            records = consumer.poll(timeout_ms=POLL_MS).get(tp, [])
        except KafkaError as exc:  # the broker away (restarting, unreachable): try again shortly
            self._forget(partition)
            counter("retries").inc()
            metrics.LIVE.inc("retries")
            if time.monotonic() - self.warned.get(partition, -60.0) >= 30:
                self.warned[partition] = time.monotonic()
                log.warning("reading %s/%d failed, retrying every second: %s", self.topic, partition, exc)
            tracker.defer_remainder(Duration(seconds=1))
            return
        for record in records:
            if not tracker.try_claim(record.offset):
                return
            counter("records_read").inc()
            metrics.LIVE.inc("records_read")
            yield beam.window.TimestampedValue(
                {"topic": self.topic, "partition": partition, "offset": record.offset, "after": position,
                 "key": record.key.decode("utf-8", "replace") if record.key else None, "value": record.value,
                 "timestamp": record.timestamp}, record.timestamp / 1000)
            _advance(watermark, Timestamp.of(record.timestamp / 1000))
            position = record.offset + 1
        if not records:
            _advance(watermark, Timestamp.now() - Duration(seconds=1))
        tracker.defer_remainder(Duration(seconds=IDLE_RESUME_SECONDS))


class ReadRawStream(beam.PTransform):
    """Every partition of ``wirefeed.raw`` from the given offsets on, without end."""

    def __init__(self, bootstrap: str, topic: str, starts: dict[int, int]):
        super().__init__()
        self.bootstrap = bootstrap
        self.topic = topic
        self.starts = starts

    def expand(self, pbegin):
        return (pbegin
                | "Partitions" >> beam.Create(sorted(self.starts.items()))
                | "ReadPartitions" >> beam.ParDo(ReadKafkaPartition(self.bootstrap, self.topic)))


# Indexing and committing ---------------------------------------------------------------------------

class CommitPositions:
    """Per partition, the offset up to which every record was indexed or dead-lettered. Records may
    finish in any order; each says where the reader stood before it (``after``), so the committable
    position moves along that chain, over gaps in the offsets."""

    def __init__(self, starts: dict[int, int]):
        self.next = dict(starts)
        self.pending: dict[int, dict[int, int]] = {}

    def done(self, partition: int, offset: int, after: int) -> None:
        self.pending.setdefault(partition, {})[after] = offset

    def advance(self) -> dict[int, int]:
        """The partitions whose committable offset moved, with that offset."""
        moved = {}
        for partition, pending in self.pending.items():
            position = self.next.get(partition, 0)
            start = position
            while position in pending:
                position = pending.pop(position) + 1
            if position != start:
                self.next[partition] = moved[partition] = position
        return moved


def _transient(exc: Exception) -> bool:
    """A failure that waiting can cure: a service away, or Elasticsearch busy or still recovering
    (429, or 5xx such as 'no shard available' while a restarted node opens its indices)."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    if isinstance(exc, (es_io.ElasticsearchUnavailable, kafka_io.KafkaUnavailable, TransportError)):
        return True
    return isinstance(exc, ApiError) and (exc.meta.status == 429 or exc.meta.status >= 500)


def _retrying(what: str, action, wait_seconds: float):
    """Runs ``action`` until it succeeds, backing off (with jitter) for at most ``wait_seconds``."""
    delay, deadline = 0.5, time.monotonic() + wait_seconds
    while True:
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - only transient failures are retried, the rest re-raised
            if not _transient(exc) or time.monotonic() + delay > deadline:
                raise
            counter("retries").inc()
            metrics.LIVE.inc("retries")
            log.warning("%s failed, retrying in %.1f s: %s", what, delay, exc)
            time.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, 10.0)


class IndexAndCommit(ElasticsearchDoFn):
    """Under one key: gathers items and dead letters, and every ``flush_seconds`` strips learned
    boilerplate, assigns stories, bulk-indexes, publishes dead letters and then commits the offsets
    all of them stand for. One key means one flush at a time, so copies meet and commits are ordered."""

    GATHERED = BagStateSpec("gathered", PickleCoder())
    ARMED = ReadModifyWriteStateSpec("armed", BooleanCoder())
    POSITIONS = ReadModifyWriteStateSpec("positions", PickleCoder())
    FLUSH = TimerSpec("flush", TimeDomain.REAL_TIME)

    def __init__(self, es: ElasticsearchConfig, bootstrap: str, group: str, raw_topic: str, deadletter_topic: str,
                 starts: dict[int, int], flush_seconds: float = FLUSH_SECONDS, unavailable_wait: float = 120.0):
        super().__init__(es)
        self.bootstrap, self.group = bootstrap, group
        self.raw_topic, self.deadletter_topic = raw_topic, deadletter_topic
        self.starts, self.flush_seconds, self.unavailable_wait = starts, flush_seconds, unavailable_wait
        self.producer = None

    def setup(self):
        super().setup()
        self.producer = kafka_io.JsonProducer(self.bootstrap, client_id="wirefeed-stream-deadletters")

    def teardown(self):
        super().teardown()
        if self.producer is not None:
            self.producer.close()

    def process(self, keyed, gathered=beam.DoFn.StateParam(GATHERED), armed=beam.DoFn.StateParam(ARMED),
                flush=beam.DoFn.TimerParam(FLUSH)):
        gathered.add(keyed[1])
        if not armed.read():
            flush.set(Timestamp.now() + Duration(seconds=self.flush_seconds))
            armed.write(True)

    @on_timer(FLUSH)
    def on_flush(self, gathered=beam.DoFn.StateParam(GATHERED), armed=beam.DoFn.StateParam(ARMED),
                 positions=beam.DoFn.StateParam(POSITIONS)):
        elements = list(gathered.read())
        gathered.clear()
        armed.clear()
        if not elements:
            return
        started = time.monotonic()
        chain = positions.read() or CommitPositions(self.starts)
        items = [e for e in elements if isinstance(e, Item)]
        letters = [e for e in elements if isinstance(e, dict)]
        letters += self._index(items)
        self._publish(letters)
        for element in elements:
            position = element.position if isinstance(element, Item) else element.get(POSITION)
            if position:
                chain.done(*position)
        moved = chain.advance()
        if moved:
            ranges = [kafka_io.OffsetRange(self.raw_topic, p, end, end) for p, end in moved.items()]
            _retrying("committing offsets", lambda: kafka_io.commit(self.bootstrap, self.group, ranges),
                      self.unavailable_wait)
        positions.write(chain)
        metrics.LIVE.inc("flushes")
        metrics.LIVE.set("last_flush_seconds", time.monotonic() - started)
        metrics.LIVE.set("last_flush_timestamp_seconds", time.time())

    def _index(self, items: list[Item]) -> list[dict]:
        """Index the items; the dead letters of those Elasticsearch rejected."""
        if not items:
            return []
        items = latest_versions(items)

        def prepare():
            by_source: dict[str, list[Item]] = {}
            for item in items:
                by_source.setdefault(item.doc["source"]["feed_url"], []).append(item)
            stripped = [s for url, group in by_source.items()
                        for s in strip_source_boilerplate(self.client(), self.es.index, url, group)]
            return assign_stories(self.client(), self.es, stripped)

        placed = _retrying("assigning stories", prepare, self.unavailable_wait)
        letters = []
        for start in range(0, len(placed), self.es.bulk_size):
            batch = placed[start:start + self.es.bulk_size]
            letters += _retrying("bulk indexing", lambda: index_batch(self.client(), self.es, batch),
                                 self.unavailable_wait)
        indexed = len(placed) - len(letters)
        metrics.LIVE.inc("indexed", indexed)
        return letters

    def _publish(self, letters: list[dict]) -> None:
        if not letters:
            return
        for letter in letters:
            send_dead_letter(self.producer, self.deadletter_topic, letter)
        _retrying("publishing dead letters", self.producer.flush, self.unavailable_wait)
        metrics.LIVE.inc("deadletters", len(letters))


def build(pipeline: beam.Pipeline, config: Config, starts: dict[int, int], flush_seconds: float = FLUSH_SECONDS) -> None:
    kafka, es = config.kafka, config.elasticsearch
    decoded = (pipeline
               | "ReadRawStream" >> ReadRawStream(kafka.bootstrap_servers, kafka.raw_topic, starts)
               | "DecodeRawItems" >> beam.ParDo(DecodeRawItem()).with_outputs(DEAD, main="items"))
    enriched = decoded.items | "EnrichItems" >> EnrichItems()
    ((enriched["items"], decoded[DEAD], enriched[DEAD])
     | "ItemsAndDeadLetters" >> beam.Flatten()
     | "OneKey" >> beam.Map(lambda element: ("stream", element))
     | "IndexAndCommit" >> beam.ParDo(IndexAndCommit(es, kafka.bootstrap_servers, kafka.consumer_group,
                                                      kafka.raw_topic, kafka.deadletter_topic, starts, flush_seconds)))


# Running -------------------------------------------------------------------------------------------

class _MetricsHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        if self.path.rstrip("/") not in ("", "/metrics"):
            self.send_error(404)
            return
        body = metrics.LIVE.render().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_metrics(port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """The streaming job's counters at http://HOST:PORT/metrics, in Prometheus text format."""
    server = ThreadingHTTPServer((host, port), _MetricsHandler)
    threading.Thread(target=server.serve_forever, name="wirefeed-metrics", daemon=True).start()
    return server


def run_streaming(config: Config, metrics_port: int | None = None) -> str:
    """Runs until SIGTERM or SIGINT (then cancels the job: what was not committed is read again by
    the next start). Returns the pipeline's final state."""
    from wirefeed.pipelines.process import _install_index, pipeline_options

    kafka = config.kafka
    kafka_io.ensure_topics(kafka.bootstrap_servers, {kafka.raw_topic: kafka.partitions, kafka.deadletter_topic: 1})
    _install_index(es_io.make_client(config.elasticsearch), config.elasticsearch)
    starts = {r.partition: r.start for r in kafka_io.snapshot(kafka.bootstrap_servers, kafka.raw_topic,
                                                               kafka.consumer_group)}
    options = pipeline_options(config)
    options.view_as(beam.options.pipeline_options.StandardOptions).streaming = True
    pipeline = beam.Pipeline(options=options)
    build(pipeline, config, starts)
    server = serve_metrics(metrics_port) if metrics_port else None
    log.info("streaming %s (%d partitions from offsets %s) into %s%s", kafka.raw_topic, len(starts), starts,
             config.elasticsearch.index, f"; metrics on :{metrics_port}/metrics" if server else "")
    result = pipeline.run()
    stopping = threading.Event()

    def stop(signum, _frame):
        if stopping.is_set():
            return
        log.info("signal %d: cancelling the streaming job (uncommitted records are read again next start)", signum)
        stopping.set()
        # The worker's threads lose their runner mid-call and say so at length: expected, so quiet.
        logging.getLogger("apache_beam").setLevel(logging.CRITICAL)
        threading.excepthook = lambda hook_args: None
        try:
            result.cancel()
        except Exception as exc:  # noqa: BLE001 - cancelling a job that already ended
            log.debug("cancel: %s", exc)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        state = result.wait_until_finish()
    except Exception as exc:  # noqa: BLE001 - runners raise assorted errors for a failed job
        if stopping.is_set():
            return PipelineState.CANCELLED
        raise RuntimeError(f"the streaming job failed: {exc}") from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if server is not None:
            server.shutdown()
    return PipelineState.CANCELLED if stopping.is_set() else state


def launch_from_options(argv: list[str], starts: dict[int, int] | None = None, run: bool = True) -> beam.Pipeline:
    """The streaming pipeline built from pipeline arguments alone (a Dataflow flex template, any
    runner): wirefeed's options (``--kafka_bootstrap``, ``--es_url``, ...) and the runner's. Starts
    are the group's committed offsets unless given."""
    from wirefeed.pipelines.options import WirefeedOptions

    options = beam.options.pipeline_options.PipelineOptions(argv)
    options.view_as(beam.options.pipeline_options.StandardOptions).streaming = True
    config = options.view_as(WirefeedOptions).config()
    if starts is None:
        kafka = config.kafka
        starts = {r.partition: r.start for r in kafka_io.snapshot(kafka.bootstrap_servers, kafka.raw_topic,
                                                                   kafka.consumer_group)}
    pipeline = beam.Pipeline(options=options)
    build(pipeline, config, starts)
    if run:
        pipeline.run()
    return pipeline


if __name__ == "__main__":  # pragma: no cover - `wirefeed process --streaming` is the entry point
    sys.exit("run `wirefeed process --streaming`")
