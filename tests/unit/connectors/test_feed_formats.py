"""JSON Feed 1.x and Google News sitemaps, through the contract kit."""
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.conftest import SHARED
from wirefeed.connectors import FeedError, FeedRef, get_connector
from wirefeed.connectors.testing import check_connector
from wirefeed.connectors.wire import sniff
from wirefeed.enrich import enrich

OURS = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 24, tzinfo=timezone.utc)


def test_json_feed_1_1():
    first, second = check_connector(get_connector("jsonfeed"), OURS / "jsonfeed-1.1.json", min_items=2)
    assert first["title"] == "الحكومة تقرّ موازنة العام المقبل" and first["language"] == "ar"
    assert (first["published_at"], first["updated_at"]) == ("2026-11-22T06:30:00Z", "2026-11-22T07:05:00Z")
    assert first["authors"] == ["غرفة الأخبار"] and first["categories"] == ["اقتصاد", "موازنة"]
    assert first["content_type"] == "text/html" and first["source"]["title"] == "نبض عمّان"
    assert (second["guid"], second["language"], second["authors"]) == ("8842", "fr", ["Claire Martin"])
    doc = enrich(first)
    assert doc["body"].split("\n\n") == ["أقر مجلس الوزراء الأحد مشروع قانون الموازنة العامة للعام المقبل.",
                                         "وقال وزير المالية إن العجز سينخفض."]


@pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="../shared corpus not present")
def test_json_feed_from_the_feedparser_corpus_through_the_rss_connector():
    """A feed list configured as rss still reads a site that serves JSON Feed; the script is sanitised away."""
    path = SHARED / "corpora" / "feedparser-tests" / "json" / "example.json"
    items = check_connector(get_connector("rss"), path, min_items=2)
    assert [i["guid"] for i in items] == ["2", "1"]
    assert "alert" not in enrich(items[1])["body"] and "Hello, world!" in enrich(items[1])["body"]


def test_json_that_is_not_a_json_feed_is_refused():
    with pytest.raises(FeedError, match="not a JSON Feed"):
        list(get_connector("jsonfeed").parse(b'{"items": []}', FeedRef("x.json"), NOW))


def test_google_news_sitemap():
    arabic, english = check_connector(get_connector("news-sitemap"), OURS / "news-sitemap.xml", min_items=2)
    assert (arabic["title"], arabic["language"], arabic["source"]["title"]) == (
        "افتتاح الجسر الجديد فوق وادي عبدون", "ar", "أخبار المدينة")
    assert arabic["url"] == arabic["guid"] == "https://akhbar.example/news/2026/11/23/1021"
    assert (arabic["published_at"], arabic["updated_at"]) == ("2026-11-23T06:00:00Z", "2026-11-23T06:20:00Z")
    assert arabic["categories"] == ["عمان", "بنية تحتية"]
    assert english["title"] == "Amman bourse closes higher & banks lead"
    assert english["extra"] == {"stock_tickers": "ASE:ARBK"}


def test_a_sitemap_index_names_its_children():
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://x.example/news.xml</loc></sitemap></sitemapindex>")
    with pytest.raises(FeedError, match="https://x.example/news.xml"):
        list(get_connector("news-sitemap").parse(index, FeedRef("x.xml"), NOW))


@pytest.mark.parametrize("name, expected", [("jsonfeed-1.1.json", "jsonfeed"), ("news-sitemap.xml", "news-sitemap"),
                                            ("ninjs2.json", "ninjs")])
def test_the_wire_connector_recognises_feed_formats(name, expected):
    assert sniff((OURS / name).read_bytes()) == expected
