"""Each wire format on the real agency items in ../shared/fixtures/wire and on our own fixtures here."""
import time
from pathlib import Path

import pytest

from tests.conftest import SHARED
from wirefeed.connectors import FeedError, FeedRef, get_connector
from wirefeed.connectors.testing import check_connector
from wirefeed.connectors.wire import sniff
from wirefeed.enrich import enrich, fold_stories

WIRE = SHARED / "fixtures" / "wire"
OURS = Path(__file__).parent / "fixtures"


def items(connector: str, path: Path) -> list[dict]:
    return check_connector(get_connector(connector), path)


def test_afp_newsml_12():
    [item] = items("newsml-1.2", WIRE / "afp.xml")
    assert item["title"] == "Sweden court accepts receivership for Saab carmaker"
    assert item["dateline"] == "STOCKHOLM, Aug 29, 2014 (AFP) -"
    assert (item["provider"], item["urgency"], item["priority"], item["revision"]) == ("AFP", 4, 4, "1")
    assert item["first_created"] == "2014-08-29T13:49:51Z" and item["language"] == "en"
    assert [s["code"] for s in item["subjects"]][:3] == ["04011002", "04016007", "04000000"]  # verbatim
    assert item["body"].count("\n\n") == 9  # ten NITF paragraphs
    doc = enrich(item)
    assert (doc["wire_agency"], doc["dateline"]) == ("AFP", "STOCKHOLM, Aug 29, 2014")
    assert doc["body"].endswith("electric cars.")  # the desk signature "hh/ph/ts/hd" is gone
    [economy] = [t for t in doc["topics"] if t["origin"] == "provider"]  # three subject codes, one Media Topic
    assert economy["code"] == "medtop:04000000" and economy["label"] == "economy, business and finance"
    assert economy["provider_codes"][:3] == ["04011002", "04016007", "04000000"]  # verbatim, as AFP sent them
    assert economy["provider_codes"] == list(dict.fromkeys(s["code"] for s in item["subjects"]))


def test_newsml_g2_news_item_with_embargo():
    [item] = items("newsml-g2", WIRE / "LISTING_1_A_NewsML-G2_News_Item.xml")
    assert item["title"] == 'Fed to halt QE to avert "bubble"'
    assert (item["revision"], item["byline"], item["provider"]) == ("9", "Meredith Jameson", "REUTERS")
    assert item["embargo_until"] == "2016-10-23T12:00:00Z"
    assert item["version_created"] == "2016-10-21T21:25:32Z" and item["first_created"] == "2016-10-18T18:12:21Z"
    assert [s["code"] for s in item["subjects"]] == ["medtop:04000000", "medtop:20000523"]
    assert enrich(item)["wire_agency"] == "Reuters"


def test_newsml_g2_message_from_ap():
    found = items("newsml-g2", WIRE / "ap.xml")
    assert len(found) == 3
    first = found[0]
    assert first["dateline"] == "FORT WASHINGTON, Pa." and first["urgency"] == 4
    assert "apsubject:5235a7a088e910048f29f8851349f9bd" in [s["code"] for s in first["subjects"]]
    assert "apcompany:792af22b8f0b4133ba38fcf117561e66" not in [s["code"] for s in first["subjects"]]  # an entity
    doc = enrich(first)
    assert doc["wire_agency"] == "AP" and doc["body"].startswith("Nutrisystem Inc. (NTRI)")


def test_newsml_g2_message_with_package_and_arabic_item():
    found = items("newsml-g2", OURS / "g2-message-with-package.xml", )
    assert [i["guid"] for i in found] == ["urn:wirefeed:test:floods-ar", "urn:wirefeed:test:floods-en"]
    arabic, english = found
    assert arabic["extra"]["packages"] == ["urn:wirefeed:test:package:floods"]
    assert (arabic["language"], arabic["byline"], arabic["credit"], arabic["urgency"]) == ("ar", "مراسل الوكالة", "أ ف ب", 2)
    assert [s["code"] for s in arabic["subjects"]] == ["medtop:03000000"]  # the geoArea subject is not a topic
    assert english["summary"] == "Civil defence evacuated low-lying districts." and english["language"] == "en"
    doc = enrich(arabic)
    assert (doc["wire_agency"], doc["dateline"]) == ("AFP", "الساحل")
    assert doc["body"].startswith("أجلت فرق الدفاع المدني")


def test_ninjs_1():
    [item] = items("ninjs", WIRE / "ninjs1.json")
    assert (item["title"], item["byline"], item["credit"], item["provider"]) == (
        "headline", "Peter and Jane", "Australian Associated Press", "AAP")
    assert (item["urgency"], item["priority"], item["revision"], item["dateline"]) == (3, 6, "2", "Milton Keynes")
    assert item["subjects"] == [{"code": "01000000", "name": "arts, culture and entertainment", "scheme": None}]
    [simple] = items("ninjs", WIRE / "ninjsExSimpleText1.json")
    assert simple["body"].startswith("<p>GROSSETO") and enrich(simple)["wire_agency"] == "AP"


def test_ninjs_2():
    [item] = items("ninjs", OURS / "ninjs2.json")
    assert item["title"] == "Grève des cheminots : le trafic très perturbé"
    assert item["body"].startswith("<p>PARIS, 3 nov 2026 (AFP)")  # the HTML body is preferred
    assert item["summary"] == "Une grève de 48 heures a commencé mardi."
    assert [s["code"] for s in item["subjects"]] == ["http://cv.iptc.org/newscodes/mediatopic/09000000",
                                                     "medtop:20000599"]
    assert (item["byline"], item["revision"], item["first_created"]) == ("Service économie", "4", "2026-11-03T06:30:00Z")
    doc = enrich(item)
    assert (doc["language"], doc["wire_agency"], doc["dateline"]) == ("fr", "AFP", "PARIS, 3 nov 2026")


def test_nitf_from_pa():
    [item] = items("nitf", WIRE / "pa1.xml")
    assert item["title"] == "PA SPORT TRIVIA (OCTOBER 14)"
    assert (item["credit"], item["provider"], item["urgency"]) == ("PA Sport", "PA", 4)
    assert [s["code"] for s in item["subjects"]] == ["04011002", "10000000", "15000000", "15054000"]
    assert item["published_at"] == "2015-10-14T03:30:01Z"
    assert "Mark Bosnich, then of Aston Villa" in item["body"]  # inline <person> markup read as text


def test_nitf_in_windows_1256_is_read_as_arabic():
    [item] = items("nitf", OURS / "nitf-arabic-windows-1256.xml")
    assert item["title"] == "ارتفاع أسعار الذهب في السوق المحلية"
    doc = enrich(item)
    assert (doc["wire_agency"], doc["dateline"], doc["language"]) == ("Petra", "عمان", "ar")
    assert doc["body"].startswith("ارتفعت أسعار الذهب")


def test_kill_notice_replaces_the_item_and_marks_it_withdrawn():
    english = items("newsml-g2", OURS / "g2-message-with-package.xml")[1]
    [kill] = items("newsml-g2", OURS / "g2-kill.xml")
    assert kill["id"] == english["id"] and kill["pub_status"] == "canceled" and kill["version"] > english["version"]
    [kept] = fold_stories([enrich(english), enrich(kill)])
    assert kept["pub_status"] == "canceled"


@pytest.mark.parametrize("name, expected", [
    ("afp.xml", "newsml-1.2"), ("ap.xml", "newsml-g2"), ("LISTING_1_A_NewsML-G2_News_Item.xml", "newsml-g2"),
    ("ninjs1.json", "ninjs"), ("pa1.xml", "nitf")])
def test_the_wire_connector_recognises_each_format(name, expected):
    data = (WIRE / name).read_bytes()
    assert sniff(data) == expected
    assert get_connector("wire").parse(data, FeedRef(location=name), _now())


def test_unknown_formats_are_named_in_the_error():
    with pytest.raises(FeedError, match="root element <html>"):
        sniff(b"<?xml version='1.0'?><html><body/></html>")


@pytest.mark.parametrize("connector", ["nitf", "wire"])
def test_external_entities_are_refused(connector):
    with pytest.raises(FeedError, match="refused unsafe XML"):
        get_connector(connector).items(FeedRef(location=str(OURS / "xxe.xml")))


def test_entity_expansion_bombs_are_refused_fast():
    started = time.monotonic()
    with pytest.raises(FeedError, match="refused unsafe XML"):
        get_connector("nitf").items(FeedRef(location=str(OURS / "billion-laughs.xml")))
    assert time.monotonic() - started < 1


def test_rss_does_not_resolve_external_entities(tmp_path):
    feed = tmp_path / "xxe-rss.xml"
    feed.write_text('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
                    '<rss version="2.0"><channel><title>t</title><item><title>a &x; b</title>'
                    '<description>d</description></item></channel></rss>')
    hostname = Path("/etc/hostname").read_text().strip()
    try:
        found = get_connector("rss").items(FeedRef(location=str(feed)))
    except FeedError:
        return
    assert all(hostname not in (i.get("title") or "") for i in found)


def _now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)
