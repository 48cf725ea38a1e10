"""Agency formats through the real job: provider metadata indexed, and a kill removes the item."""
from pathlib import Path

from tests.conftest import SHARED
from wirefeed.es_io import search

OURS = Path(__file__).parents[1] / "unit" / "connectors" / "fixtures"
WIRE = SHARED / "fixtures" / "wire"


def test_agency_items_are_indexed_and_a_later_kill_removes_one(job):
    job.write_config([{"path": str(OURS / "g2-message-with-package.xml"), "connector": "newsml-g2"},
                      {"path": str(WIRE / "afp.xml"), "connector": "wire"},
                      {"path": str(WIRE / "ninjs1.json"), "connector": "ninjs"}])
    first = job.run()
    assert first.returncode == 0, first.stderr
    docs = job.documents()
    assert len(docs) == 4
    by_guid_title = {d["title"]: d for d in docs.values()}
    afp = by_guid_title["Sweden court accepts receivership for Saab carmaker"]
    assert (afp["wire_agency"], afp["urgency"], afp["revision"], afp["provider"]) == ("AFP", 4, "1", "AFP")
    [economy] = [t for t in afp["topics"] if t["origin"] == "provider"]
    assert economy["code"] == "medtop:04000000" and {"04011002", "04000000"} <= set(economy["provider_codes"])
    english = by_guid_title["Floods force hundreds from homes"]
    assert english["embargo_until"] == "2026-11-03T05:00:00Z"

    # The agency kills the English item in a later delivery file.
    job.write_config([{"path": str(OURS / "g2-kill.xml"), "connector": "newsml-g2"}])
    second = job.run()
    assert second.returncode == 0, second.stderr
    assert '"withdrawn": 1' in second.stderr
    tombstone = job.documents()[english["id"]]
    assert (tombstone["pub_status"], tombstone["title"], tombstone["body"]) == ("canceled", "", "")
    assert not [h for h in search(job.es(), job.index, "Floods hundreds homes")]

    # The original (older) version arriving again, by another route, does not bring the killed story
    # back: the tombstone holds the higher version for good (a delete is forgotten after gc_deletes).
    from wirefeed.connectors import FeedRef, get_connector

    original = get_connector("newsml-g2").items(FeedRef(location=str(OURS / "g2-message-with-package.xml")))[1]
    job.publish_raw([original])
    third = job.run("process")
    assert third.returncode == 0, third.stderr
    assert job.documents()[english["id"]]["pub_status"] == "canceled"
    assert '"stale_versions": 1' in third.stderr
