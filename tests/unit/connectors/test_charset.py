"""Charsets: declarations in order of trust (HTTP header, XML declaration, BOM), detection where they lie."""
import codecs
from pathlib import Path

import pytest

from wirefeed.connectors import get_connector
from wirefeed.connectors.base import FeedRef
from wirefeed.connectors.charset import decode, to_utf8

ARABIC = "انهيار جسر في العاصمة الأردنية وإصابة عشرة أشخاص بجروح، بحسب الدفاع المدني"
FRENCH = "Les élections municipales se tiendront à Lyon après la grève des cheminots, a annoncé le préfet."
CORPUS = Path(__file__).parents[3].parent / "shared" / "corpora" / "feedparser-tests" / "encoding"


def rss(title: str, encoding: str, declared: str | None) -> bytes:
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else '<?xml version="1.0"?>'
    text = (f"{decl}<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid>"
            f"<title>{title}</title><description>{title}</description></item></channel></rss>")
    return text.encode(encoding)


def title_of(data: bytes, header: str | None = None) -> str:
    utf8 = to_utf8(data, header)
    utf8.decode("utf-8")  # always valid UTF-8
    [item] = get_connector("rss").parse(utf8, FeedRef("test.xml"), __import__("datetime").datetime.now())
    return item["title"]


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1256", "iso-8859-6"])
def test_a_true_declaration_is_believed(encoding):
    text = ARABIC.replace("،", ",") if encoding == "iso-8859-6" else ARABIC
    assert title_of(rss(text, encoding, encoding)) == text
    assert title_of(rss(text, encoding, None), header=encoding) == text


def test_http_header_outranks_the_xml_declaration():
    data = rss(ARABIC, "windows-1256", "utf-8")
    assert decode(data, "windows-1256").declared == "cp1256"
    assert title_of(data, header="windows-1256") == ARABIC


def test_xml_declaration_outranks_the_bom_and_the_bom_outranks_nothing():
    assert decode(codecs.BOM_UTF8 + rss(ARABIC, "utf-8", "utf-8")).declared == "utf-8"
    data = codecs.BOM_UTF16_LE + rss(ARABIC, "utf-16-le", None)
    assert decode(data).encoding == "utf-16-le"
    assert title_of(data) == ARABIC


def test_windows_1256_labelled_iso_8859_1_is_detected():
    """The classic Arabic mojibake: 'ÇäåíÇÑ ÌÓÑ' when a CMS calls its windows-1256 output ISO-8859-1."""
    data = rss(ARABIC, "windows-1256", "iso-8859-1")
    assert title_of(data) == ARABIC
    assert title_of(rss(ARABIC, "windows-1256", None), header="ISO-8859-1") == ARABIC


def test_iso_8859_6_labelled_windows_1256_is_detected():
    text = ARABIC.replace("،", ",")
    assert title_of(rss(text, "iso-8859-6", "windows-1256")) == text


def test_utf8_labelled_as_a_single_byte_charset_is_read_as_utf8():
    assert title_of(rss(ARABIC, "utf-8", "iso-8859-1")) == ARABIC
    assert title_of(rss(FRENCH, "utf-8", "windows-1252")) == FRENCH


@pytest.mark.parametrize("encoding", ["windows-1256", "iso-8859-6", "iso-8859-1"])
def test_single_byte_text_labelled_utf8_is_detected(encoding):
    text = FRENCH if encoding == "iso-8859-1" else ARABIC.replace("،", ",")
    assert title_of(rss(text, encoding, "utf-8")) == text
    assert title_of(rss(text, encoding, None)) == text


def test_french_in_latin_1_is_not_mistaken_for_arabic():
    assert title_of(rss(FRENCH, "iso-8859-1", "iso-8859-1")) == FRENCH
    assert title_of(rss(FRENCH, "iso-8859-1", None), header="iso-8859-1") == FRENCH


def test_undecodable_bytes_still_give_valid_utf8():
    out = to_utf8(b'<?xml version="1.0" encoding="utf-8"?><rss>\xff\xfe\x80 ok</rss>')
    out.decode("utf-8")
    assert b'encoding="utf-8"' in out


def test_the_xml_declaration_is_rewritten_to_utf8():
    out = to_utf8(rss(ARABIC, "windows-1256", "windows-1256"))
    assert out.startswith(b'<?xml version="1.0" encoding="utf-8"?>')


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared corpus not present")
def test_feedparser_encoding_corpus_always_gives_valid_utf8():
    files = sorted(CORPUS.glob("*.xml"))
    assert files
    for path in files:
        to_utf8(path.read_bytes()).decode("utf-8")
