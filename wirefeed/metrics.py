"""Run metrics in Prometheus text format, as a textfile for node_exporter's textfile collector.

A scheduled run (`wirefeed ingest|process|run`) writes one file, atomically, when it ends:
counters of that run per stage (items in and out, copies folded, dead letters, feeds polled, ...),
its duration, its exit code and, when it succeeded, the time of the last success (alert on its age).
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

_NAME = re.compile(r"[^a-zA-Z0-9_]")
HELP = {
    "records_read": "Kafka records read by the processing job",
    "items_in": "raw items that passed decoding and the raw schema",
    "indexed": "documents Elasticsearch acknowledged",
    "withdrawn": "kills and withdrawals indexed as tombstones",
    "stale_versions": "documents older than the version already indexed",
    "story_copies": "documents folded into an existing story as copies",
    "stories_grown": "canonical documents rewritten with new outlets",
    "boilerplate_stripped": "documents with learned source boilerplate removed",
    "deadletters": "messages sent to the dead-letter topic",
    "feeds": "configured feeds", "feeds_polled": "feeds polled", "feeds_not_modified": "feeds answering 304",
    "feeds_failed": "feeds (or delivery files) that failed", "items_published": "raw items published to Kafka",
    "items_unchanged": "items seen before and unchanged", "items_rejected": "items failing the raw schema",
}


def render(command: str, counters: dict[str, float], seconds: float, exit_code: int) -> str:
    lines = []
    labels = f'command="{command}"'
    for key, value in sorted(counters.items()):
        name = f"wirefeed_{_NAME.sub('_', key)}_total"
        lines += [f"# HELP {name} {HELP.get(key, key.replace('_', ' '))} in the last run",
                  f"# TYPE {name} gauge", f"{name}{{{labels}}} {float(value):g}"]
    lines += ["# HELP wirefeed_run_duration_seconds how long the last run took",
              "# TYPE wirefeed_run_duration_seconds gauge", f"wirefeed_run_duration_seconds{{{labels}}} {seconds:.3f}",
              "# HELP wirefeed_run_exit_code exit code of the last run (0 ok, 1 partial, 2 config, 3 failed)",
              "# TYPE wirefeed_run_exit_code gauge", f"wirefeed_run_exit_code{{{labels}}} {exit_code}",
              "# HELP wirefeed_run_finished_timestamp_seconds when the last run ended",
              "# TYPE wirefeed_run_finished_timestamp_seconds gauge",
              f"wirefeed_run_finished_timestamp_seconds{{{labels}}} {time.time():.0f}"]
    return "\n".join(lines) + "\n"


def write_textfile(path: str | Path, command: str, counters: dict[str, float], seconds: float,
                   exit_code: int) -> Path:
    """Write atomically (a collector never reads half a file); the last success survives failures."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(command, counters, seconds, exit_code)
    success = path.with_suffix(path.suffix + ".success")
    if exit_code in (0, 1):
        success.write_text(f"{time.time():.0f}")
    if success.exists():
        text += ("# HELP wirefeed_last_success_timestamp_seconds when a run last went through (exit 0 or 1)\n"
                 "# TYPE wirefeed_last_success_timestamp_seconds gauge\n"
                 f'wirefeed_last_success_timestamp_seconds{{command="{command}"}} {success.read_text().strip()}\n')
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".wirefeed-metrics-")
    with os.fdopen(handle, "w") as out:
        out.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path
