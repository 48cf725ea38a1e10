"""Incremental ingest against the real Kafka: only new or changed items are published, and the
long-running poller stops cleanly on SIGTERM."""
import json
import signal
import subprocess
import sys
import time

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Desk</title><link>http://127.0.0.1/</link><description>d</description>
{items}
</channel></rss>"""
ITEM = """<item><guid>{guid}</guid><title>{title}</title><pubDate>Tue, 03 Nov 2026 08:00:00 +0000</pubDate>
<description>{body}</description></item>"""


def feed(*items):
    return FEED.format(items="\n".join(ITEM.format(guid=g, title=t, body=b) for g, t, b in items))


def raw_messages(job):
    return [json.loads(r.value) for r in job.read_topic(job.raw_topic)]


def test_second_poll_publishes_only_new_and_changed_items(job, feed_server):
    folder, base = feed_server
    path = folder / "desk.xml"
    path.write_text(feed(("a", "Storm warning", "Heavy rain expected on the coast."),
                         ("b", "Markets", "Shares rose on Tuesday.")))
    job.write_config([{"url": f"{base}/desk.xml", "interval": 1, "jitter": 0}])
    assert job.run("ingest").returncode == 0
    assert len(raw_messages(job)) == 2

    time.sleep(1.1)  # the feed is due again; its file changed, so no 304
    path.write_text(feed(("a", "Storm warning", "Heavy rain and strong winds expected on the coast."),
                         ("b", "Markets", "Shares rose on Tuesday."),
                         ("c", "New item", "Something else happened.")))
    second = job.run("ingest")
    assert second.returncode == 0, second.stderr
    messages = raw_messages(job)
    assert len(messages) == 4
    edited = [m for m in messages if m["guid"] == "a"]
    assert edited[0]["id"] == edited[1]["id"] and edited[1]["version"] > edited[0]["version"]

    unchanged = job.run("ingest", "--all")  # polled again: a conditional GET answered 304, nothing published
    assert "1 not modified" in unchanged.stderr and len(raw_messages(job)) == 4

    job.write_config([{"url": f"{base}/desk.xml", "interval": 3600, "jitter": 0}])
    job.run("ingest", "--all")  # polled whatever the clock says: next due in an hour
    assert "1 not due" in job.run("ingest").stderr


def test_loop_mode_polls_and_stops_on_sigterm(job, feed_server):
    folder, base = feed_server
    (folder / "desk.xml").write_text(feed(("a", "Storm warning", "Heavy rain expected on the coast.")))
    config = job.write_config([{"url": f"{base}/desk.xml", "interval": 1, "jitter": 0.2}])
    poller = subprocess.Popen([sys.executable, "-m", "wirefeed.cli", "ingest", "--loop", "--config", str(config)],
                              stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not raw_messages(job) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(2.5)  # a few more polls: all answered 304
    poller.send_signal(signal.SIGTERM)
    _, stderr = poller.communicate(timeout=30)
    assert poller.returncode == 0, stderr
    assert len(raw_messages(job)) == 1
    assert "not modified" in stderr


def test_delivery_folder_files_are_published_once_and_survive_a_restart(job, tmp_path):
    import os
    import shutil

    from tests.conftest import SHARED

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    old = time.time() - 60
    for name in ("afp.xml", "ap.xml", "ninjs1.json"):
        shutil.copy(SHARED / "fixtures" / "wire" / name, inbox / name)
    (inbox / "broken.xml").write_bytes(b"<?xml version='1.0'?><nitf><body>")
    (inbox / "late.xml.part").write_bytes(b"<nitf>")  # still uploading
    for path in inbox.iterdir():
        os.utime(path, (old, old))
    job.write_config([{"path": str(inbox), "connector": "folder", "options": {"settle_seconds": 5}}])

    first = job.run("ingest")
    assert first.returncode == 1, first.stderr  # one file went to the dead-letter topic
    published = raw_messages(job)
    assert len(published) >= 3
    [letter] = job.dead_letters()
    assert letter["payload"]["document"] == "broken.xml" and "well-formed" in letter["reason"]
    assert sorted(p.name for p in (inbox / ".done").iterdir()) == ["afp.xml", "ap.xml", "ninjs1.json"]
    assert [p.name for p in (inbox / ".failed").iterdir()] == ["broken.xml"]
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["late.xml.part"]

    # A crash after Kafka acknowledged but before the move leaves a file in place: it is read again
    # on restart, and the ingest state knows its items were sent.
    shutil.copy(inbox / ".done" / "afp.xml", inbox / "afp.xml")
    os.utime(inbox / "afp.xml", (old, old))
    again = job.run("ingest", "--all")
    assert again.returncode == 0, again.stderr
    assert len(raw_messages(job)) == len(published)
    assert not (inbox / "afp.xml").exists()
