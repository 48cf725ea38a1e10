"""Throughput of `wirefeed enrich` against plain langdetect on the same texts, in the same run.

    python -m benchmarks.bench_enrich [--items 10000]

Ours: every processing stage (schema check, clean, attribution, fingerprint, language, topics,
document schema check), learned source boilerplate and story folding, as `wirefeed enrich` runs them, in process and through the CLI
(JSON in and out, interpreter start-up included). Baseline: langdetect.detect() alone on each item's
text. Both single-threaded on one core.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from benchmarks.corpus import raw_items, text_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    items = raw_items(args.items)
    texts = [text_of(item) for item in items]

    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    detect("warm up the profiles")
    started = time.perf_counter()
    for text in texts:
        detect(text)
    baseline = len(texts) / (time.perf_counter() - started)

    from wirefeed.enrich import enrich, fold_stories, strip_source_boilerplate

    enrich(items[0])  # load models and schemas outside the timing, as the baseline does
    started = time.perf_counter()
    documents = fold_stories(strip_source_boilerplate([enrich(item) for item in items]))
    ours = len(items) / (time.perf_counter() - started)
    assert len(documents) == len(items)

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "wirefeed.cli", "enrich", handle.name], check=True,
                   stdout=subprocess.DEVNULL)
    cli = len(items) / (time.perf_counter() - started)
    os.unlink(handle.name)

    report = {"benchmark": "enrich", "items": len(items),
              "baseline_plain_langdetect_items_per_s": round(baseline, 1),
              "wirefeed_enrich_in_process_items_per_s": round(ours, 1),
              "wirefeed_enrich_cli_items_per_s": round(cli, 1),
              "ratio_in_process_to_baseline": round(ours / baseline, 3),
              "ratio_cli_to_baseline": round(cli / baseline, 3)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
