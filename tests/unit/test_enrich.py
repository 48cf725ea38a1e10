import copy

import pytest

from wirefeed.enrich import Rejected, enrich, fold_stories, item_id
from wirefeed.text.normalize import matching_form
from wirefeed.validation import DOCUMENT_SCHEMA, validate


def test_shared_feed_documents_validate_and_are_clean(arabic_feed_raw_items):
    docs = [enrich(raw) for raw in arabic_feed_raw_items]
    for doc in docs:
        validate(doc, DOCUMENT_SCHEMA)
        assert doc["language"] == "ar"
        assert doc["@timestamp"] == doc["published_at"]
        paragraphs = doc["body"].split("\n\n")
        assert len(paragraphs) == len({matching_form(p) for p in paragraphs})
    assert [d["wire_agency"] for d in docs] == ["AFP", "AFP", "Petra", "AFP"]
    assert docs[2]["topics"][0]["code"] == "medtop:15000000"


def test_update_replaces_older_version_and_copies_fold_into_one_story(arabic_feed_raw_items):
    docs = [enrich(raw) for raw in arabic_feed_raw_items]
    copy_of_sport = copy.deepcopy(docs[2])
    copy_of_sport.update(id="rss-othersite000000000001", published_at="2026-11-02T17:00:00Z",
                         source={**docs[2]["source"], "name": "Other Site"})
    folded = {d["id"]: d for d in fold_stories(docs + [copy_of_sport])}
    assert len(folded) == 4  # four ids: the update replaced its earlier version
    update = folded[docs[0]["id"]]
    assert "600" in update["title"]  # the corrected headline won
    # The flood story: the outlet that repeated the body (its update now says 09:30) and the trimmed
    # copy published at 08:40, which is first and so the canonical.
    trimmed = folded[docs[1]["id"]]
    assert trimmed["story_id"] == update["story_id"] and update["duplicate_of"] == trimmed["id"]
    assert 0.5 <= update["similarity"] < 1 and trimmed["duplicate_of"] is None and trimmed["copies"] == 2
    # The exact copy of the sport item, published earlier, is the canonical; the unrelated stories stay apart.
    sport, other = folded[docs[2]["id"]], folded["rss-othersite000000000001"]
    assert other["duplicate_of"] is None and sport["duplicate_of"] == other["id"] and sport["similarity"] == 1.0
    assert other["outlets"] == sorted({"Other Site", docs[2]["source"]["name"]}) and other["copies"] == 2
    assert sport["story_id"] != update["story_id"]


def test_items_without_text_are_rejected_with_a_reason(arabic_feed_raw_items):
    raw = dict(arabic_feed_raw_items[0], title=None, summary=None, body=None)
    with pytest.raises(Rejected) as info:
        enrich(raw)
    assert info.value.stage == "validate-raw" and "no title, summary or body" in info.value.reason
    blank = dict(arabic_feed_raw_items[0], title="<p> </p>", body="<script>x()</script>")
    with pytest.raises(Rejected) as info:
        enrich(blank)
    assert info.value.stage == "enrich"


def test_raw_schema_errors_name_the_field(arabic_feed_raw_items):
    raw = dict(arabic_feed_raw_items[0], fetched_at="yesterday")
    with pytest.raises(Rejected, match="fetched_at"):
        enrich(raw)
    with pytest.raises(Rejected, match="JSON object"):
        enrich(["not", "an", "object"])


def test_item_ids_are_stable_and_distinct():
    assert item_id("rss", "http://a/feed", "g1") == item_id("rss", "http://a/feed", "g1")
    assert item_id("rss", "http://a/feed", "g1") != item_id("rss", "http://b/feed", "g1")


def test_provider_codes_come_first_and_the_model_tags_the_rest(arabic_feed_raw_items):
    raw = copy.deepcopy(arabic_feed_raw_items[2])  # a football item
    model_only = enrich(raw)["topics"]
    assert model_only[0]["code"] == "medtop:15000000" and {t["origin"] for t in model_only} == {"model"}
    raw["subjects"] = [{"code": "15054000", "name": "soccer"}]
    provided = enrich(raw)["topics"]
    assert [(t["code"], t["origin"], t["label"]) for t in provided] == [("medtop:15000000", "provider", "رياضة")]
    raw["subjects"] = [{"code": "ap-category:s", "name": "Sports"}]  # a code of no Media Topic: the model still tags
    mixed = enrich(raw)["topics"]
    assert mixed[0]["origin"] == "provider" and "medtop:15000000" in [t["code"] for t in mixed if t["origin"] == "model"]
