"""The scheduled processing job: wirefeed.raw -> clean, dedupe, tag -> Elasticsearch.

Read as one sentence: read the raw snapshot, decode it, enrich the items, strip what each source
puts on all its items, fold copies into stories, index the documents, and send whatever failed to
the dead-letter topic. Offsets are committed by
the driver only after the pipeline finished, that is after Elasticsearch acknowledged every batch;
a failed run commits nothing and is safe to run again (documents carry stable ids).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.runner import PipelineState

from wirefeed import es_io, index_admin, kafka_io
from wirefeed.config import Config
from wirefeed.pipelines.options import WirefeedOptions, option_args
from wirefeed.pipelines.transforms import (DEAD, NAMESPACE, DecodeRawItem, EnrichItems, FoldStories,
                                           IndexDocuments, ReadRawSnapshot, StripLearnedBoilerplate,
                                           WriteDeadLetters)

log = logging.getLogger(__name__)


class JobFailed(RuntimeError):
    """The pipeline did not finish; no offsets were committed."""


@dataclass
class ProcessReport:
    records: int = 0
    counters: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def deadletters(self) -> int:
        return self.counters.get("deadletters", 0)


def build(pipeline: beam.Pipeline, ranges: list[kafka_io.OffsetRange]) -> None:
    opts = pipeline.options.view_as(WirefeedOptions)
    decoded = (pipeline
               | "ReadRawSnapshot" >> ReadRawSnapshot(opts.kafka_bootstrap, ranges)
               | "DecodeRawItems" >> beam.ParDo(DecodeRawItem()).with_outputs(DEAD, main="items"))
    enriched = decoded.items | "EnrichItems" >> EnrichItems()
    rejected = (enriched["items"]
                | "StripLearnedBoilerplate" >> StripLearnedBoilerplate(opts.elasticsearch())
                | "FoldStories" >> FoldStories(opts.elasticsearch())
                | "IndexDocuments" >> IndexDocuments(opts.elasticsearch()))
    ((decoded[DEAD], enriched[DEAD], rejected)
     | "AllDeadLetters" >> beam.Flatten()
     | "WriteDeadLetters" >> WriteDeadLetters(opts.kafka_bootstrap, opts.deadletter_topic))


def prism_location(config: Config) -> str:
    """The Prism binary: the one `wirefeed services up` builds, unless the config names another.
    Without it Beam would try to download Prism from the internet."""
    if config.runner.prism_location != "auto":
        return config.runner.prism_location
    from wirefeed.deploy.local import services

    settings = services.Settings.from_env()
    services.prism_build(settings)
    return str(settings.prism_binary)


def pipeline_options(config: Config) -> PipelineOptions:
    args = [f"--runner={config.runner.runner}", *option_args(config), *config.runner.pipeline_args]
    if config.runner.runner == "PrismRunner":
        args += [f"--prism_location={prism_location(config)}", "--prism_log_level=warn"]
    return PipelineOptions(args)


def _counters(result) -> dict[str, int]:
    counters: dict[str, int] = {}
    try:
        query = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))
    except Exception as exc:  # noqa: BLE001 - a runner without metrics still ran the job
        log.warning("could not read the job's metrics: %s", exc)
        return counters
    for item in query["counters"]:
        value = item.committed if item.committed is not None else item.attempted
        counters[item.key.metric.name] = counters.get(item.key.metric.name, 0) + (value or 0)
    return counters


def _install_index(client, cfg):
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    try:
        return index_admin.install(client, cfg.index)
    except (ApiError, TransportError) as exc:
        raise es_io.ElasticsearchUnavailable(f"installing the index failed: {es_io.explain(exc, cfg)}") from None


def run_process(config: Config) -> ProcessReport:
    started = time.monotonic()
    kafka = config.kafka
    kafka_io.ensure_topics(kafka.bootstrap_servers, {kafka.raw_topic: kafka.partitions, kafka.deadletter_topic: 1})
    client = es_io.make_client(config.elasticsearch)
    installed = _install_index(client, config.elasticsearch)
    ranges = [r for r in kafka_io.snapshot(kafka.bootstrap_servers, kafka.raw_topic, kafka.consumer_group) if r.size]
    report = ProcessReport(records=sum(r.size for r in ranges))
    if not ranges:
        log.info("nothing new on %s for group %s", kafka.raw_topic, kafka.consumer_group)
        report.seconds = time.monotonic() - started
        return report
    log.info("processing %d records from %d partition(s)", report.records, len(ranges))
    pipeline = beam.Pipeline(options=pipeline_options(config))
    build(pipeline, kafka_io.split(ranges, kafka.read_chunk))
    try:
        result = pipeline.run()
        state = result.wait_until_finish()
    except Exception as exc:  # noqa: BLE001 - runners raise assorted errors for a failed job
        raise JobFailed(f"the Beam job failed, no offsets committed: {exc}") from None
    if state != PipelineState.DONE:
        raise JobFailed(f"the Beam job ended in state {state}, no offsets committed")
    report.counters = _counters(result)
    client.indices.refresh(index=config.elasticsearch.index)
    kafka_io.commit(kafka.bootstrap_servers, kafka.consumer_group, ranges)
    if not installed.ilm:  # clusters without ILM roll over here, once per run, when a condition is met
        rolled = index_admin.rollover(client, config.elasticsearch.index)
        if rolled["rolled_over"]:
            log.info("rolled over %s: %s -> %s", config.elasticsearch.index, rolled["old_index"], rolled["new_index"])
    report.seconds = time.monotonic() - started
    return report
