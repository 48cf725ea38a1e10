from wirefeed.connectors.http import Validators
from wirefeed.state import IngestState, Seen, changed_items, fingerprint


def item(item_id, version, title="t", fetched="2026-11-03T00:00:00Z"):
    return {"id": item_id, "version": version, "title": title, "fetched_at": fetched, "source": {"name": "s"}}


def test_fingerprint_ignores_fetch_time_version_and_source():
    assert fingerprint(item("a", 1)) == fingerprint(dict(item("a", 9, fetched="2027-01-01T00:00:00Z"), source={}))
    assert fingerprint(item("a", 1)) != fingerprint(item("a", 1, title="changed"))


def test_new_changed_unchanged_and_stale():
    seen = {"same": Seen(fingerprint(item("same", 5)), 5, 5),
            "edited": Seen(fingerprint(item("edited", 5)), 5, 5),
            "updated": Seen(fingerprint(item("updated", 5)), 5, 5),
            "old": Seen(fingerprint(item("old", 5)), 5, 5)}
    publish, rows, unchanged = changed_items(
        [item("new", 1), item("same", 5), item("edited", 5, "fixed typo"), item("updated", 9, "new headline"),
         item("old", 3, "an older version re-sent")], seen)
    versions = {i["id"]: i["version"] for i in publish}
    assert versions == {"new": 1, "edited": 6, "updated": 9}  # an in-place edit gets a version past the last
    assert sorted(unchanged) == ["old", "same"]
    assert {r[0] for r in rows} == {"new", "edited", "updated"}


def test_a_feed_listing_an_item_twice_sends_its_newest_version():
    publish, _, _ = changed_items([item("a", 2, "second"), item("a", 1, "first")], {})
    assert [(i["version"], i["title"]) for i in publish] == [(2, "second")]


def test_state_survives_a_restart(tmp_path):
    path = tmp_path / "state.sqlite"
    state = IngestState(path)
    state.record("feed", Validators('"e1"', "Tue"), 123.0, "ok", [("a", "fp", 5, 5)])
    state.close()
    again = IngestState(path)
    assert again.feed("feed").validators == Validators('"e1"', "Tue") and again.feed("feed").next_due == 123.0
    assert again.seen("feed", ["a", "b"]) == {"a": Seen("fp", 5, 5)}
    again.record("feed", None, 456.0, "failed: fetch")
    assert again.feed("feed").validators == Validators('"e1"', "Tue")  # a failure keeps the validators
    assert again.feed("unknown").next_due == 0.0


def test_the_progress_bar_shows_only_on_a_terminal():
    import io

    from wirefeed.ingest import IngestReport, Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen, pipe = Terminal(), io.StringIO()
    report = IngestReport(polled=5, published=12)
    for stream in (screen, pipe):
        bar = Progress(10, stream)
        bar.step(report)
        bar.done()
    assert "[###############...............] 5/10 feeds, 12 item(s) published" in screen.getvalue()
    assert pipe.getvalue() == ""
