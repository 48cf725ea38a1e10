"""Bad input goes to the dead-letter topic with a reason; the rest goes through; exit code 1."""
from tests.conftest import ARABIC_FEED
from tests.integration.conftest import copy_feed

NO_TEXT_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Empty items</title><link>http://127.0.0.1/</link><description>x</description>
<item><guid>no-text-1</guid><link>http://127.0.0.1/1</link></item>
<item><guid>fine-1</guid><title>Storm brings heavy rain to the coast</title>
<description>Forecasters warned of strong winds and heavy rain on Wednesday.</description></item>
</channel></rss>"""


def rejected_by_elasticsearch(template: dict) -> dict:
    """A raw item as another connector could send it: valid for the schema, but its urgency is not a
    number while the index maps extra.urgency as one."""
    raw = dict(template, id="rss-urgency-is-not-a-number", guid="urgency-1", title="Flash: urgent item",
               body="<p>Urgent item body text for the test.</p>", extra={"urgency": "flash"})
    return raw


def test_bad_feed_bad_item_and_rejected_document_become_dead_letters(job, feed_server, arabic_feed_raw_items):
    folder, base = feed_server
    good = copy_feed(ARABIC_FEED, folder)
    (folder / "not-a-feed.xml").write_text("<html><body>Service unavailable</body>")
    (folder / "no-text.xml").write_text(NO_TEXT_FEED)
    job.write_config([{"url": f"{base}/{good}"}, {"url": f"{base}/not-a-feed.xml"},
                      {"url": f"{base}/no-text.xml"}, {"url": f"{base}/missing.xml"}])
    job.publish_raw([rejected_by_elasticsearch(arabic_feed_raw_items[2]), b"\x00 poison, not JSON"])

    result = job.run()
    assert result.returncode == 1, result.stderr

    letters = job.dead_letters()
    by_stage = {}
    for letter in letters:
        by_stage.setdefault(letter["stage"], []).append(letter)
    assert set(by_stage) == {"parse", "fetch", "validate-raw", "index", "decode"}, letters
    assert "not-a-feed.xml" in by_stage["parse"][0]["source"]
    assert "HTTP 404" in by_stage["fetch"][0]["reason"]
    assert by_stage["validate-raw"][0]["reason"].endswith("item has no title, summary or body")
    assert by_stage["validate-raw"][0]["payload"]["guid"] == "no-text-1"
    index_letter = by_stage["index"][0]
    assert "urgency" in index_letter["reason"] and index_letter["payload"]["extra"] == {"urgency": "flash"}
    assert by_stage["decode"][0]["payload_encoding"] in ("text", "base64")

    # The rest still went through: the Arabic feed's three documents and the good item of no-text.xml.
    docs = job.documents()
    assert len(docs) == 4
    assert "rss-urgency-is-not-a-number" not in docs
