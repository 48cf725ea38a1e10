"""Indexing throughput against plain `helpers.bulk`, and search latency at 200,000 documents.

    .venv/bin/wirefeed services up
    .venv/bin/python -m benchmarks.bench_index [--docs 200000] [--queries 300]

Documents: the bundled samples and the shared Arabic feed enriched by wirefeed, then copied with
new ids, dates spread over 30 days and a varied closing sentence, to the wanted count.
Baseline: `helpers.bulk` (chunks of 500) of the documents into a fresh index with the same template.
Ours: `es_io.bulk_index` (what the job's IndexDocuments step calls: external versions, 429 backoff,
per-document outcomes) in batches of the configured bulk_size, into the write alias `index install`
made. Then `es_io.search` (one hit per story, highlight) for two-word queries with two filters
(language and a 7-day window), after a warm-up; p50 and p95 of the wall time per query.
"""
from __future__ import annotations

import argparse
import copy
import random
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

from elasticsearch import helpers

from benchmarks.corpus import raw_items
from wirefeed import es_io, index_admin
from wirefeed.config import ElasticsearchConfig
from wirefeed.deploy.local.services import Settings
from wirefeed.enrich import enrich

T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)
QUERIES = {"ar": ["انهيار جسر", "الدفاع المدني", "أمطار غزيرة", "المنتخب الوطني"],
           "en": ["rail strike", "heavy rain", "city council", "harbor workers"],
           "fr": ["élections municipales", "grève cheminots", "conseil municipal", "pluies fortes"]}


def documents(count: int) -> list[dict]:
    seeds = [enrich(item) for item in raw_items(200)]
    rng = random.Random(3)
    docs = []
    for n in range(count):
        doc = copy.deepcopy(seeds[n % len(seeds)])
        doc["id"] = f"bench-{n:09d}"
        when = (T0 + timedelta(seconds=rng.uniform(0, 30 * 86400))).isoformat().replace("+00:00", "Z")
        doc.update(published_at=when, **{"@timestamp": when}, story_id=f"story-{n // 3:09d}",
                   body=doc["body"] + f"\n\nReport {n} filed at {when}.")
        docs.append(doc)
    return docs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    settings = Settings.from_env()
    name = f"wf-bench-index-{uuid.uuid4().hex[:8]}"
    cfg = ElasticsearchConfig(url=settings.es_url, index=name)
    client = es_io.make_client(cfg).options(request_timeout=300)
    docs = documents(args.docs)
    baseline_index = f"{name}-bulk"
    try:
        es_io.install_template(client, baseline_index)
        started = time.perf_counter()
        helpers.bulk(client, ({"_index": baseline_index, "_id": d["id"], "_source": d} for d in docs), chunk_size=500)
        client.indices.refresh(index=baseline_index)
        base_rate = len(docs) / (time.perf_counter() - started)

        index_admin.install(client, name)
        started = time.perf_counter()
        for start in range(0, len(docs), cfg.bulk_size):
            es_io.bulk_index(client, name, docs[start:start + cfg.bulk_size], cfg.max_retries)
        client.indices.refresh(index=name)
        our_rate = len(docs) / (time.perf_counter() - started)
        assert client.count(index=name)["count"] == len(docs)

        rng = random.Random(5)
        until = T0 + timedelta(days=30)
        plan = []
        for _ in range(args.queries):
            language = rng.choice(sorted(QUERIES))
            since = (until - timedelta(days=7 + rng.randint(0, 20))).date().isoformat()
            plan.append((rng.choice(QUERIES[language]), es_io.SearchFilters(language=language, since=since)))
        for query, filters in plan[:30]:  # warm-up: caches and JIT, as on a serving cluster
            es_io.search(client, name, query, filters=filters)
        times = []
        for query, filters in plan:
            started = time.perf_counter()
            es_io.search(client, name, query, filters=filters)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    finally:
        for index in list(client.indices.get(index=f"{name}*", ignore_unavailable=True, allow_no_indices=True)):
            client.indices.delete(index=index, ignore_unavailable=True)
        client.options(ignore_status=404).indices.delete_index_template(name=f"{name}-template")
        client.options(ignore_status=404).indices.delete_index_template(name=f"{baseline_index}-template")
    print(f"{len(docs):,} documents")
    print("| what | docs/s | ratio to baseline |")
    print("| --- | ---: | ---: |")
    print(f"| baseline: helpers.bulk, chunks of 500 | {base_rate:,.0f} | 1.00 |")
    print(f"| wirefeed es_io.bulk_index, batches of {cfg.bulk_size}, external versions | {our_rate:,.0f} | "
          f"{our_rate / base_rate:.2f} |")
    print(f"\nsearch, {len(times)} two-word queries with language + 7-30 day filters, one hit per story: "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
