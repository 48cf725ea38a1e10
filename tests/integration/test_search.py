"""`wirefeed search` on the real index: one hit per story, folded Arabic matching, filters, JSON."""
import json

from tests.conftest import ARABIC_FEED
from tests.integration.conftest import copy_feed
from wirefeed.es_io import SearchFilters, search


def test_search_folds_stories_matches_arabic_loosely_and_filters(job, feed_server):
    folder, base = feed_server
    name = copy_feed(ARABIC_FEED, folder)
    job.write_config([{"url": f"{base}/{name}", "language": "ar"}])
    assert job.run().returncode == 0
    client = job.es()

    [flood] = search(client, job.index, "فيضانات الساحل")
    assert flood["matching_copies"] == 2 and flood["copies"] == 2 and "فيضانات" in flood["title"]
    assert "<em>" in flood["highlight"]["body"][0]
    assert len(search(client, job.index, "فيضانات الساحل", fold=False)) == 2

    # Diacritics, hamza forms and ta marbuta in the query do not matter.
    for variant in ("فَيَضَانَات السَّاحِل", "اجلاء السكان", "الدفاع المدنى"):
        hits = search(client, job.index, variant)
        assert [h["story_id"] for h in hits] == [flood["story_id"]], variant

    assert search(client, job.index, "فيضانات", filters=SearchFilters(language="en")) == []
    assert search(client, job.index, "فيضانات", filters=SearchFilters(agency="AFP"))
    assert search(client, job.index, "فيضانات", filters=SearchFilters(agency="Reuters")) == []
    assert search(client, job.index, "المنتخب", filters=SearchFilters(topic="medtop:15000000"))
    assert search(client, job.index, "المنتخب", filters=SearchFilters(since="2026-11-02", until="2026-11-03"))
    assert search(client, job.index, "المنتخب", filters=SearchFilters(since="2026-11-05")) == []

    cli = job.wirefeed("search", "فيضانات", "--config", str(job.workdir / "config.yaml"), "--json", "--agency", "AFP")
    assert cli.returncode == 0, cli.stderr
    [line] = cli.stdout.splitlines()
    assert json.loads(line)["matching_copies"] == 2
    table = job.wirefeed("search", "فيضانات", "--config", str(job.workdir / "config.yaml"))
    assert "1 story for" in table.stdout and "2 copies" in table.stdout
