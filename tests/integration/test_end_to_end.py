"""The shared Arabic feed, end to end: HTTP -> Kafka -> Beam on Prism -> Elasticsearch."""
from tests.conftest import ARABIC_FEED
from tests.integration.conftest import copy_feed
from wirefeed import kafka_io
from wirefeed.es_io import search
from wirefeed.text.normalize import matching_form


def test_arabic_syndication_feed_end_to_end_and_idempotent(job, feed_server):
    folder, base = feed_server
    name = copy_feed(ARABIC_FEED, folder)
    job.write_config([{"url": f"{base}/{name}", "language": "ar"}])

    first = job.run()
    assert first.returncode == 0, first.stderr
    docs = job.documents()
    # Four items: one is an update (same guid) of another, so three documents.
    assert len(docs) == 3

    hits = search(job.es(), job.index, "فيضانات الساحل", fold=False)
    flood = next(docs[h["id"]] for h in hits if h["url"].endswith("/news/1001"))
    assert flood["wire_agency"] == "AFP"
    assert "600" in flood["title"]  # the corrected headline of the update replaced the first version
    paragraphs = flood["body"].split("\n\n")
    assert len(paragraphs) == 3
    assert len({matching_form(p) for p in paragraphs}) == 3  # each paragraph once
    assert not flood["body"].startswith("أخبار المدينة")
    assert "ا ف ب" not in flood["body"]
    assert flood["language"] == "ar"
    assert flood["topics"][0]["code"] == "medtop:03000000"
    assert {d["topics"][0]["code"] for d in docs.values() if "كأس" in d["title"]} == {"medtop:15000000"}
    # The trimmed copy from the second outlet and the (updated) first are one story; sport is its own.
    trimmed = next(d for d in docs.values() if d["url"].endswith("/nahar/77"))
    assert trimmed["story_id"] == flood["story_id"] and flood["duplicate_of"] == trimmed["id"]
    assert trimmed["copies"] == 2 and len({d["story_id"] for d in docs.values()}) == 2

    # Offsets are committed: the group's position is the end of every partition.
    remaining = kafka_io.snapshot(job.settings.kafka_bootstrap, job.raw_topic, job.name)
    assert remaining and all(r.size == 0 for r in remaining)

    # A second scheduled run re-reads the feed (--all: due or not): it publishes nothing, adds nothing.
    second = job.run("run", "--all")
    assert second.returncode == 0, second.stderr
    assert "1 polled (1 not modified" in second.stderr and "0 item(s) published" in second.stderr  # conditional GET
    again = job.documents()
    assert again.keys() == docs.keys()
    without_fetch_time = lambda d: {k: v for k, v in d.items() if k != "fetched_at"}  # noqa: E731
    assert {i: without_fetch_time(d) for i, d in again.items()} == {i: without_fetch_time(d) for i, d in docs.items()}

    table = job.wirefeed("search", "فيضانات", "--config", str(job.workdir / "config.yaml"))
    assert table.returncode == 0 and "1 story for" in table.stdout and "2 copies" in table.stdout
    every = job.wirefeed("search", "فيضانات", "--all-copies", "--config", str(job.workdir / "config.yaml"))
    assert every.returncode == 0 and "نحو 600" in every.stdout


def test_process_with_nothing_new_exits_0(job):
    job.write_config([])
    result = job.run("process")
    assert result.returncode == 0, result.stderr


def test_unreachable_elasticsearch_fails_with_3_and_commits_nothing(job, feed_server):
    folder, base = feed_server
    name = copy_feed(ARABIC_FEED, folder)
    job.write_config([{"url": f"{base}/{name}"}])
    assert job.run("ingest").returncode == 0
    job.write_config([], url="http://127.0.0.1:9")  # nothing listens on the discard port
    result = job.run("process")
    assert result.returncode == 3
    assert "cannot reach Elasticsearch" in result.stderr or "failed" in result.stderr
    pending = kafka_io.snapshot(job.settings.kafka_bootstrap, job.raw_topic, job.name)
    assert sum(r.size for r in pending) == 3  # the feed lists one item twice: only its newest version is sent


def test_a_scheduled_run_writes_its_metrics_and_json_logs(job, feed_server):
    import json

    folder, base = feed_server
    name = copy_feed(ARABIC_FEED, folder)
    job.write_config([{"url": f"{base}/{name}", "language": "ar"}])
    metrics = job.workdir / "wirefeed.prom"
    result = job.wirefeed("--log-format", "json", "run", "--config", str(job.workdir / "config.yaml"),
                          "--metrics-file", str(metrics))
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.startswith('{"ts"')]
    assert any(e["message"].startswith("ingest:") for e in entries) and all(e["level"] for e in entries)
    text = metrics.read_text()
    for expected in ('wirefeed_items_published_total{command="run"} 3', 'wirefeed_indexed_total{command="run"} 3',
                     'wirefeed_story_copies_total{command="run"} 1', 'wirefeed_run_exit_code{command="run"} 0',
                     "wirefeed_last_success_timestamp_seconds"):
        assert expected in text, expected
