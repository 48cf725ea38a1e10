"""Streaming latency: from a produce to ``wirefeed.raw`` until the document is searchable, at a
steady rate, against a raw Kafka consumer's produce-to-consume latency for the same messages in the
same run (the floor any Kafka pipeline starts from). Local services first (`wirefeed services up`).

    python -m benchmarks.bench_streaming [--rate 100] [--seconds 30]

Ours: `wirefeed process --streaming` as an operator runs it (Prism, one loopback worker), fed the
benchmark corpus's raw items (Arabic, English, French; 2.4 KB bodies, near copies that fold into
stories) at ``--rate`` items a second. "Searchable" is the first moment a `_search` by id finds the
document (so Elasticsearch's 1 s refresh is included), polled every 50 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import yaml

from benchmarks.corpus import raw_items
from wirefeed import kafka_io
from wirefeed.deploy.local.services import Settings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def raw_consumer(bootstrap: str, topic: str, seen: dict[str, float], stop: threading.Event) -> None:
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None)
    while not stop.is_set():
        for records in consumer.poll(timeout_ms=100).values():
            now = time.time()
            for record in records:
                seen.setdefault(record.key.decode(), now)
    consumer.close()


def searchable(es_url: str, index: str, pending: dict[str, float], seen: dict[str, float],
               stop: threading.Event) -> None:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(es_url)
    while not stop.is_set():
        ids = [i for i in list(pending) if i not in seen][:500]
        if ids:
            try:
                hits = client.search(index=index, query={"ids": {"values": ids}}, size=len(ids), _source=False)
                now = time.time()
                for hit in hits["hits"]["hits"]:
                    seen.setdefault(hit["_id"], now)
            except Exception:  # noqa: BLE001 - the index appears with the first flush
                pass
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100.0, help="items produced per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to produce")
    args = parser.parse_args()
    settings = Settings.from_env()
    name = f"wf-stream-{uuid.uuid4().hex[:8]}"
    workdir = Path(tempfile.mkdtemp(prefix="wirefeed-bench-"))
    config = workdir / "config.yaml"
    config.write_text(yaml.safe_dump({
        "kafka": {"bootstrap_servers": settings.kafka_bootstrap, "raw_topic": f"{name}.raw",
                  "deadletter_topic": f"{name}.dl", "consumer_group": name},
        "elasticsearch": {"url": settings.es_url, "index": name}}))
    topic = f"{name}.raw"
    kafka_io.ensure_topics(settings.kafka_bootstrap, {topic: 2, f"{name}.dl": 1})
    count = int(args.rate * args.seconds)
    warmup, items = raw_items(count + 50)[:50], raw_items(count + 50)[50:]
    job = subprocess.Popen([sys.executable, "-m", "wirefeed.cli", "process", "--streaming", "--config", str(config)],
                           stdout=subprocess.DEVNULL, stderr=open(workdir / "job.log", "w"), start_new_session=True)
    stop = threading.Event()
    produced: dict[str, float] = {}
    consumed: dict[str, float] = {}
    indexed: dict[str, float] = {}
    threads = [threading.Thread(target=raw_consumer, args=(settings.kafka_bootstrap, topic, consumed, stop), daemon=True),
               threading.Thread(target=searchable, args=(settings.es_url, name, produced, indexed, stop), daemon=True)]
    for thread in threads:
        thread.start()
    try:
        with kafka_io.JsonProducer(settings.kafka_bootstrap) as producer:
            for item in warmup:  # the job's start-up (Prism, the worker) is not what we measure
                producer.send(topic, item, key=item["id"])
            producer.flush()
            deadline = time.time() + 180
            while time.time() < deadline and not all(i["id"] in consumed for i in warmup):
                time.sleep(0.1)
            produced.update({i["id"]: time.time() for i in warmup})
            while time.time() < deadline and not all(i["id"] in indexed for i in warmup):
                time.sleep(0.1)
            for item in warmup:
                produced.pop(item["id"])
            started = time.time()
            for n, item in enumerate(items):
                time.sleep(max(0.0, started + n / args.rate - time.time()))
                produced[item["id"]] = time.time()
                producer.send(topic, item, key=item["id"])
            producer.flush()
        deadline = time.time() + 60
        while time.time() < deadline and len(indexed) < len(items):
            time.sleep(0.2)
    finally:
        stop.set()
        os.killpg(job.pid, signal.SIGTERM)
        job.wait(timeout=60)
    ours = [indexed[i] - produced[i] for i in produced if i in indexed]
    base = [consumed[i] - produced[i] for i in produced if i in consumed]
    print(f"{len(items)} items at {args.rate:g}/s for {args.seconds:g} s; {len(ours)} searchable, "
          f"{len(base)} consumed by the raw consumer")
    print("| path | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, values in (("raw Kafka consumer (baseline): produce to consume", base),
                          ("wirefeed --streaming: produce to searchable", ours)):
        print(f"| {label} | " + " | ".join(f"{percentile(values, q) * 1000:,.0f}" for q in (0.5, 0.95, 0.99))
              + f" | {max(values) * 1000:,.0f} |")
    print(f"p95 ratio to the raw consumer: {percentile(ours, 0.95) / percentile(base, 0.95):.1f}x; "
          f"missing: {len(items) - len(ours)}")
    print(json.dumps({"p50_ms": round(percentile(ours, 0.5) * 1000), "p95_ms": round(percentile(ours, 0.95) * 1000)}))


if __name__ == "__main__":
    main()
