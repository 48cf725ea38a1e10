"""Delivery under failure, on the real services: the job killed mid-run, and Elasticsearch stopped
mid-run. Each ends with every document indexed once and the offsets committed only at the end.
Run them alone with `pytest -m fault`."""
import os
import signal
import subprocess
import sys
import time

import pytest

from benchmarks.corpus import raw_items
from wirefeed import kafka_io

pytestmark = pytest.mark.fault
ITEMS = 1500


def start_process(job):
    return subprocess.Popen([sys.executable, "-m", "wirefeed.cli", "process", "--config", str(job.workdir / "config.yaml")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_documents(job, process, ids, timeout=120):
    """True as soon as any of these documents is indexed (a real-time get: no refresh needed)."""
    client = job.es()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if any(d.get("found") for d in client.mget(index=job.index, ids=ids)["docs"]):
                return True
        except Exception:  # noqa: BLE001 - the alias may not exist yet
            pass
        time.sleep(0.02)
    return False


def remaining(job) -> int:
    return sum(r.size for r in kafka_io.snapshot(job.settings.kafka_bootstrap, job.raw_topic, job.name))


def published(job) -> list[dict]:
    items = raw_items(ITEMS)
    job.write_config([], bulk_size=25)  # small bulk requests: the indexing phase lasts long enough to be cut
    kafka_io.ensure_topics(job.settings.kafka_bootstrap, {job.raw_topic: 2, job.deadletter_topic: 1})
    job.publish_raw(items)
    return items


def test_a_job_killed_mid_run_loses_and_duplicates_nothing(job):
    items = published(job)
    process = start_process(job)
    assert wait_for_documents(job, process, [i["id"] for i in items]), "the job ended before indexing anything"
    os.killpg(process.pid, signal.SIGKILL)  # the job and its Prism runner, mid-run
    process.wait(timeout=30)
    partial = job.documents_count()
    assert 0 < partial < ITEMS  # killed while indexing
    assert remaining(job) == ITEMS  # nothing committed by a job that did not finish
    again = job.run("process")
    assert again.returncode == 0, again.stderr
    assert remaining(job) == 0
    docs = job.documents_count()
    assert docs == len({i["id"] for i in items}) == ITEMS  # all there, each once (ids are the item ids)


def test_elasticsearch_stopped_mid_run_fails_cleanly_and_the_rerun_completes(job):
    items = published(job)
    process = start_process(job)
    assert wait_for_documents(job, process, [i["id"] for i in items])
    down = subprocess.run([sys.executable, "-m", "wirefeed.cli", "services", "down", "elasticsearch"],
                          capture_output=True, text=True, timeout=120)
    assert down.returncode == 0, down.stderr
    try:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 3, stderr
        assert "no offsets committed" in stderr or "Elasticsearch" in stderr
        assert remaining(job) == ITEMS
    finally:
        up = subprocess.run([sys.executable, "-m", "wirefeed.cli", "services", "up", "elasticsearch"],
                            capture_output=True, text=True, timeout=600)
        assert up.returncode == 0, up.stderr
    again = job.run("process")
    assert again.returncode == 0, again.stderr
    assert remaining(job) == 0 and job.documents_count() == len({i["id"] for i in items})
