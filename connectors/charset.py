"""Bytes from the outside world to valid UTF-8, before any parser sees them.

Declared charsets are trusted in this order: the HTTP header, the XML declaration, the byte-order
mark. A declaration is believed only if the bytes decode under it and the text does not look like
mojibake; mislabelled feeds are common (a Jordanian CMS sending windows-1256 Arabic as
ISO-8859-1, UTF-8 sent as ISO-8859-1, ISO-8859-6 sent as UTF-8), so when every declaration fails
the bytes are decoded under each likely charset and the most plausible text wins.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.S)
_XML_DECL_TEXT = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[A-Za-z0-9._:-]+\2", re.S)
# What we try when no declaration holds: UTF-8 and the wire languages' usual single-byte charsets.
DETECT = ("utf-8", "cp1256", "iso8859-6", "cp1252")
# Labels that mean windows-1252 in practice (browsers read them so, and so do the feeds' authors).
_AS_WINDOWS_1252 = {"latin-1", "iso8859-1", "ascii"}
_WORD = re.compile(r"[^\W\d_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    declared: str | None   # the charset that was declared and believed, None when detected
    detected: bool


def normalise_label(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_WINDOWS_1252 else name


def bom_charset(data: bytes) -> tuple[str | None, int]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None, 0


def xml_declared(data: bytes) -> str | None:
    head = data[:512]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:1] == b"\x00" or head[1:2] == b"\x00":
        return None  # UTF-16 without a readable declaration: the BOM decides
    match = _XML_DECL.match(head.lstrip(codecs.BOM_UTF8))
    return match.group(1).decode("ascii") if match else None


def plausibility(text: str) -> float:
    """How much the text looks like real writing: Arabic words with the article, Latin words with
    at most a few accents; mojibake (runs of accented capitals, C1 controls) scores below zero."""
    score = -10.0 * len(_CONTROL.findall(text))
    for word in _WORD.findall(text[:20000]):
        arabic = sum(1 for ch in word if "\u0600" <= ch <= "\u06ff")
        if arabic == len(word):
            score += 3.0 if word.startswith("ال") else 1.0
        elif arabic:
            score -= 2.0  # Arabic letters glued to Latin ones: a wrong single-byte table
        else:
            high = sum(1 for ch in word if ord(ch) > 0x7F)
            if not high:
                score += 0.5
            elif high >= 2 and high * 2 >= len(word):
                score -= 3.0  # "ÇáÚÑÈíÉ", "Ø§Ù„": Arabic bytes read as Latin
            elif high > 3:
                score -= 1.0
            else:
                score += 1.0
    return score


def _decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_wrong(text: str, data: bytes, encoding: str) -> bool:
    if _CONTROL.search(text[:20000]):
        return True
    if encoding.startswith("utf") or data.isascii():
        return False  # bytes that are valid UTF-8 (or UTF-16 by BOM) are almost never anything else
    # A single-byte label is wrong when another likely charset reads the bytes as clearly better text.
    score = plausibility(text)
    for other in DETECT:
        other_text = _decode(data, other) if other != encoding else None
        if other_text is not None and plausibility(other_text) > score + max(5.0, abs(score) * 0.2):
            return True
    return False


def decode(data: bytes, header_charset: str | None = None) -> Decoded:
    """The text of a document, by declaration where it holds and by detection where none does."""
    bom, skip = bom_charset(data)
    body = data[skip:]
    declared = [normalise_label(header_charset), normalise_label(xml_declared(data)), bom]
    for encoding in dict.fromkeys(e for e in declared if e):
        if bom and encoding != bom and bom.startswith("utf-16"):
            continue  # a UTF-16 BOM cannot be read as any other label
        text = _decode(body, encoding)
        if text is not None and not _looks_wrong(text, body, encoding):
            return Decoded(text, encoding, encoding, False)
    best = None
    for encoding in DETECT:
        text = _decode(body, encoding)
        if text is None:
            continue
        score = plausibility(text) + (5.0 if encoding == "utf-8" and not body.isascii() else 0.0)
        if best is None or score > best[0]:
            best = (score, encoding, text)
    if best is None:  # nothing decodes strictly: keep what UTF-8 can, mark the rest
        return Decoded(body.decode("utf-8", errors="replace"), "utf-8", None, True)
    return Decoded(best[2], best[1], None, True)


def to_utf8(data: bytes, header_charset: str | None = None) -> bytes:
    """The document as UTF-8 bytes, its XML declaration (if any) saying so."""
    if not header_charset and data.isascii() and b"\x00" not in data[:4]:
        return data  # the common fast path: nothing to decode
    text = decode(data, header_charset).text
    return _XML_DECL_TEXT.sub(r"\1\2utf-8\2", text, count=1).encode("utf-8")
