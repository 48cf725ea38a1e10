"""The write alias on the real node: install is idempotent, rollover starts a generation, an update
after a rollover replaces its document where it lives, and migrate moves an old concrete index."""
import json

from tests.conftest import ARABIC_FEED
from tests.integration.conftest import copy_feed
from wirefeed import index_admin
from wirefeed.es_io import index_template


def test_install_rollover_and_updates_land_where_their_document_lives(job, feed_server):
    client = job.es()
    first = index_admin.install(client, job.index)
    assert first.created and first.write_index == f"{job.index}-v1-000001" and not first.ilm
    assert any("no ILM" in w for w in first.warnings) and any("arabic" in w for w in first.warnings)
    assert not index_admin.install(client, job.index).created  # idempotent

    folder, base = feed_server
    name = copy_feed(ARABIC_FEED, folder)
    job.write_config([{"url": f"{base}/{name}", "language": "ar"}])
    assert job.run().returncode == 0
    before = job.documents()
    rolled = index_admin.rollover(client, job.index, {"max_docs": 1})
    assert rolled["rolled_over"] and rolled["new_index"] == f"{job.index}-v1-000002"

    # The same feed again, every item re-published with a newer fetch: updates, not new documents.
    job.run("ingest", "--all")
    job.publish_raw([dict(json.loads(r.value), version=json.loads(r.value)["version"] + 1)
                     for r in job.read_topic(job.raw_topic)])
    assert job.run("process").returncode == 0
    assert job.documents().keys() == before.keys()
    client.indices.refresh(index=rolled["new_index"])
    assert client.count(index=rolled["new_index"])["count"] == 0

    status = job.wirefeed("index", "status", "--config", str(job.workdir / "config.yaml"))
    assert status.returncode == 0
    report = json.loads(status.stdout)
    assert [i["write"] for i in report["indices"]] == [False, True] and report["indices"][0]["docs"] == len(before)


def test_migrate_moves_an_old_concrete_index_behind_the_alias(job, arabic_feed_raw_items):
    from elasticsearch import helpers

    from wirefeed.enrich import enrich

    client = job.es()
    old = index_template(job.index)  # the foundation's layout: a concrete index named like the alias
    client.indices.put_index_template(name=f"{job.index}-template", **old)
    docs = [enrich(raw) for raw in arabic_feed_raw_items[:3]]
    for doc in docs:
        doc.pop("match_text")  # as documents indexed before match_text existed
    helpers.bulk(client, ({"_index": job.index, "_id": d["id"], "_source": d} for d in docs), refresh=True)
    job.write_config([])
    migrated = job.wirefeed("index", "migrate", "--config", str(job.workdir / "config.yaml"))
    assert migrated.returncode == 0, migrated.stderr
    assert json.loads(migrated.stdout)["copied"] == 3
    assert list(index_admin.alias_indices(client, job.index)) == [f"{job.index}-v1-migrated-000001"]
    found = client.search(index=job.index, query={"match": {"match_text": "فيضانات"}})["hits"]["total"]["value"]
    assert found >= 1  # the derived field was filled in on the way
