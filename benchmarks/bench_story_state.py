"""Dedupe state in Elasticsearch: bytes per document in the window, and the cost of the story
lookup as the window grows.

    .venv/bin/wirefeed services up
    .venv/bin/python -m benchmarks.bench_story_state --window 10000,100000,1000000

For each size N two scratch indexes get N documents carrying the fields story folding reads
(`id`, `story_id`, `duplicate_of`, `@timestamp`, `pub_status`, mapped as in the real template), one
with the band keys `story_bands` and one without, written with `helpers.bulk` and force-merged. The
dedupe state is the difference of their store sizes over N (the other fields the documents have
anyway). Then the `story_candidates` lookup for a batch of 500 new documents (the job's batch),
median of 20 batches, per document. The baseline is the same lookup at the smallest N: a flat cost
means a ratio near 1.
"""
from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

import numpy as np
from elasticsearch import Elasticsearch, helpers

from wirefeed.deploy.local.services import Settings
from wirefeed.es_io import story_candidates
from wirefeed.stories import BANDS

FIELDS = {"id": {"type": "keyword"}, "story_id": {"type": "keyword"}, "duplicate_of": {"type": "keyword"},
          "@timestamp": {"type": "date"}, "pub_status": {"type": "keyword"},
          "story_bands": {"type": "keyword", "doc_values": False}}
T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def _docs(count: int, seed: int, window_days: float = 7.0):
    rng = np.random.default_rng(seed)
    bands = rng.integers(-2 ** 31, 2 ** 31, size=(count, BANDS), dtype=np.int64)
    seconds = rng.uniform(0, window_days * 86400, size=count)
    for n in range(count):
        doc_id = f"rss-{seed:04d}{n:020d}"
        yield {"id": doc_id, "story_id": f"story-{n:024x}", "duplicate_of": None, "pub_status": "usable",
               "@timestamp": (T0 + timedelta(seconds=float(seconds[n]))).isoformat().replace("+00:00", "Z"),
               "story_bands": bands[n].tolist()}


def build_index(client: Elasticsearch, name: str, count: int, with_bands: bool) -> float:
    mappings = {"properties": FIELDS if with_bands else {k: v for k, v in FIELDS.items() if k != "story_bands"},
                "_source": {"excludes": ["story_bands"]}}  # as the real template: indexed, not stored
    client.indices.create(index=name, settings={"number_of_shards": 1, "number_of_replicas": 0,
                                                "refresh_interval": "-1"}, mappings=mappings)
    docs = _docs(count, 1) if with_bands else ({k: v for k, v in d.items() if k != "story_bands"}
                                                for d in _docs(count, 1))
    helpers.bulk(client, ({"_index": name, "_id": d["id"], "_source": d} for d in docs), chunk_size=5000)
    client.indices.refresh(index=name)
    client.indices.forcemerge(index=name, max_num_segments=1)
    stats = client.indices.stats(index=name, metric="store")
    return stats["indices"][name]["total"]["store"]["size_in_bytes"] / count


def lookup_cost(client: Elasticsearch, name: str, batches: int = 20, batch: int = 500) -> float:
    times = []
    for b in range(batches):
        probes = [{**d, "published_at": d["@timestamp"]} for d in _docs(batch, 1000 + b)]
        started = time.perf_counter()
        story_candidates(client, name, probes, 7.0)
        times.append(time.perf_counter() - started)
    return statistics.median(times) / batch * 1e6


def window_costs(sizes: list[int]) -> None:
    settings = Settings.from_env()
    client = Elasticsearch(settings.es_url, request_timeout=1800)
    print("| documents in the window | bytes/doc with bands | bytes/doc without | dedupe state bytes/doc "
          "| lookup µs/doc, batch of 500 | ratio to smallest window |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    base = None
    for size in sizes:
        names = [f"wf-bench-state-{uuid.uuid4().hex[:8]}" for _ in range(2)]
        try:
            with_bands = build_index(client, names[0], size, True)
            without = build_index(client, names[1], size, False)
            cost = lookup_cost(client, names[0])
        finally:
            for name in names:
                client.indices.delete(index=name, ignore_unavailable=True)
        base = base or cost
        print(f"| {size:,} | {with_bands:.0f} | {without:.0f} | {with_bands - without:.0f} | {cost:.1f} | "
              f"{cost / base:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--window", default="10000,100000,1000000")
    args = parser.parse_args()
    window_costs([int(n) for n in args.window.split(",")])


if __name__ == "__main__":
    main()
