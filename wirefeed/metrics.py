"""Run metrics in Prometheus text format, as a textfile for node_exporter's textfile collector.

A scheduled run (`wirefeed ingest|process|run`) writes one file, atomically, when it ends:
counters of that run per stage (items in and out, copies folded, dead letters, feeds polled, ...),
its duration, its exit code and, when it succeeded, the time of the last success (alert on its age).
"""
from __future__ import annotations

import os
import re
import tempfile
import threading
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
    "retries": "Elasticsearch or Kafka calls retried after a failure", "flushes": "index-and-commit rounds",
    "last_flush_seconds": "how long the last index-and-commit round took",
    "last_flush_timestamp_seconds": "when the last index-and-commit round ended",
    "clean_out": "items out of the Clean stage", "tag_language_out": "items out of the TagLanguage stage",
    "tag_topics_out": "items out of the TagTopics stage", "validate_document_out": "documents that passed the schema",
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


class LiveCounters:
    """The streaming job's counters as they grow, for its HTTP endpoint. With Prism's loopback
    worker the job's steps run in this process; on Flink or Dataflow, read the runner's metrics."""

    def __init__(self):
        self._lock = threading.Lock()
        self._values: dict[str, float] = {}
        self._gauges: set[str] = set()
        self.started = time.time()

    def inc(self, name: str, by: float = 1) -> None:
        with self._lock:
            self._values[name] = self._values.get(name, 0) + by

    def set(self, name: str, value: float) -> None:
        with self._lock:
            self._values[name] = value
            self._gauges.add(name)

    def snapshot(self) -> dict[str, float]:
        with self._lock:
            return dict(self._values)

    def render(self) -> str:
        with self._lock:
            values, gauges = dict(self._values), set(self._gauges)
        lines = []
        for key, value in sorted(values.items()):
            gauge = key in gauges
            name = f"wirefeed_stream_{_NAME.sub('_', key)}" + ("" if gauge else "_total")
            lines += [f"# HELP {name} {HELP.get(key, key.replace('_', ' '))} (streaming job)",
                      f"# TYPE {name} {'gauge' if gauge else 'counter'}", f"{name} {float(value):g}"]
        lines += ["# HELP wirefeed_stream_started_timestamp_seconds when the streaming job started",
                  "# TYPE wirefeed_stream_started_timestamp_seconds gauge",
                  f"wirefeed_stream_started_timestamp_seconds {self.started:.0f}"]
        return "\n".join(lines) + "\n"


LIVE = LiveCounters()
