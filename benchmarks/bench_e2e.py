"""End-to-end items/s from Kafka to Elasticsearch against a raw `helpers.bulk` of the same
documents, in the same run, on the local services (`wirefeed services up` first).

    python -m benchmarks.bench_e2e [--items 5000]

Ours: `run_process` (the scheduled Beam job on Prism: read the Kafka snapshot, decode, clean, tag
language and topics, fold exact duplicates, bulk-index, commit offsets), start-up included.
Baseline: the documents that job produces, already enriched, sent by elasticsearch.helpers.bulk
(chunks of 500) into a fresh index with the same template. Publishing to Kafka is not timed.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import time
import uuid

from benchmarks.corpus import raw_items
from wirefeed import es_io, kafka_io
from wirefeed.config import load_config
from wirefeed.deploy.local.services import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    args = parser.parse_args()
    settings = Settings.from_env()
    name = f"wf-bench-{uuid.uuid4().hex[:8]}"
    base = load_config()
    config = dataclasses.replace(
        base,
        kafka=dataclasses.replace(base.kafka, bootstrap_servers=settings.kafka_bootstrap, raw_topic=f"{name}.raw",
                                  deadletter_topic=f"{name}.dl", consumer_group=name),
        elasticsearch=dataclasses.replace(base.elasticsearch, url=settings.es_url, index=f"{name}-job"))
    items = raw_items(args.items)
    kafka_io.ensure_topics(settings.kafka_bootstrap, {config.kafka.raw_topic: config.kafka.partitions,
                                                      config.kafka.deadletter_topic: 1})
    with kafka_io.JsonProducer(settings.kafka_bootstrap) as producer:
        for item in items:
            producer.send(config.kafka.raw_topic, item, key=item["id"])
        producer.flush()

    from wirefeed.pipelines.process import run_process

    started = time.perf_counter()
    report = run_process(config)
    job_seconds = time.perf_counter() - started
    indexed = report.counters.get("indexed", 0)

    from elasticsearch import helpers

    from wirefeed.enrich import enrich

    client = es_io.make_client(config.elasticsearch)
    baseline_index = f"{name}-bulk"
    es_io.install_template(client, baseline_index)
    docs = [enrich(item) for item in items]
    started = time.perf_counter()
    helpers.bulk(client, ({"_index": baseline_index, "_id": d["id"], "_source": d} for d in docs), chunk_size=500)
    client.indices.refresh(index=baseline_index)
    bulk_seconds = time.perf_counter() - started

    result = {"benchmark": "e2e", "items": len(items), "indexed_by_job": indexed,
              "job_seconds": round(job_seconds, 2), "job_items_per_s": round(len(items) / job_seconds, 1),
              "baseline_helpers_bulk_seconds": round(bulk_seconds, 2),
              "baseline_helpers_bulk_items_per_s": round(len(docs) / bulk_seconds, 1),
              "ratio_job_to_bulk": round(bulk_seconds / job_seconds, 3), "counters": report.counters}
    print(json.dumps(result, indent=2))
    for index in (config.elasticsearch.index, baseline_index):
        client.indices.delete(index=index, ignore_unavailable=True)
        client.indices.delete_index_template(name=f"{index}-template")


if __name__ == "__main__":
    main()
