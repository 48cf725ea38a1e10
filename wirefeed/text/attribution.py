"""Which wire agency an item comes from, its dateline, and the outlet's own noise around the text.

Local sites credit agencies in many spellings ("(AFP)", "-(ا ف ب)", "(أ ف ب)", "فرانس برس") and
put their own name in front of the text ("أخبار المدينة : ..."). These functions find such
markers at the edges of paragraphs, record them and return the text without them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from wirefeed.text.normalize import matching_form

# Canonical agency name -> spellings seen in credits and datelines (Arabic, English, French).
AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "ا ف ب", "أ ف ب", "أ.ف.ب", "ا.ف.ب", "فرانس برس",
            "فرانس بريس", "وكالة الصحافة الفرنسية"),
    "Reuters": ("Reuters", "رويترز"),
    "AP": ("AP", "Associated Press", "أ ب", "ا ب", "اسوشيتد برس", "أسوشيتد برس", "أسوشييتد برس"),
    "dpa": ("dpa", "DPA", "د ب أ", "د.ب.أ", "د ب ا"),
    "Anadolu": ("Anadolu", "الأناضول", "الاناضول"),
    "Xinhua": ("Xinhua", "شينخوا"),
    "EFE": ("EFE", "إفي", "افي"),
    "ANSA": ("ANSA", "أنسا", "انسا"),
    "Petra": ("Petra", "بترا"),
    "QNA": ("QNA", "قنا"),
    "WAM": ("WAM", "وام"),
    "SPA": ("SPA", "واس"),
    "KUNA": ("KUNA", "كونا"),
    "MENA": ("MENA", "أ ش أ", "ا ش ا", "أ.ش.أ"),
    "SANA": ("SANA", "سانا"),
    "WAFA": ("WAFA", "وفا"),
    "APS": ("APS", "واج"),
    "MAP": ("MAP", "لاماب", "ومع"),
    "IRNA": ("IRNA", "إرنا", "ارنا"),
    "Kyodo": ("Kyodo", "كيودو"),
    "PA": ("PA", "PA Media", "Press Association"),
    "UPI": ("UPI",),
    "Bloomberg": ("Bloomberg", "بلومبرغ"),
}

_ALIAS_TO_AGENCY = {matching_form(alias): name for name, aliases in AGENCIES.items() for alias in aliases}
_ALIAS_FORMS_UNSPACED = {form.replace(" ", "") for form in _ALIAS_TO_AGENCY}


def _alias_pattern() -> str:
    # Spaces inside Arabic abbreviations vary ("أ ف ب", "أ.ف.ب", "أف ب"): allow any of them.
    aliases = sorted({a for names in AGENCIES.values() for a in names}, key=len, reverse=True)
    parts = []
    for alias in aliases:
        tokens = re.split(r"[\s.]+", alias.strip("."))
        parts.append(r"[\s.]*".join(re.escape(t) for t in tokens))
    return "|".join(parts)


_ALIAS = _alias_pattern()
_DASH = r"[-\u2013\u2014\u2012\u2010_]"  # AP's style guide long used "_" for a dash
# A credit in brackets, anywhere at the end of a paragraph: "...الأسبوع.-(ا ف ب)", "... (AFP)".
_TRAILING_CREDIT = re.compile(rf"\s*{_DASH}?\s*[(\[]\s*(?P<agency>{_ALIAS})\s*[)\]]\s*{_DASH}?\s*$", re.IGNORECASE)
# A dateline: "STOCKHOLM, Aug 29, 2014 (AFP) -", "PARIS (Reuters) -", "الساحل - (أ ف ب) -", "(AFP) -".
_DATELINE = re.compile(
    rf"^\s*(?P<place>[^()\[\]\n]{{0,80}}?)\s*{_DASH}?\s*[(\[]\s*(?P<agency>{_ALIAS})\s*[)\]]\s*(?:{_DASH}+|:)\s*",
    re.IGNORECASE)
def agency_for(alias: str) -> str | None:
    return _ALIAS_TO_AGENCY.get(matching_form(alias))


@dataclass
class Attribution:
    paragraphs: list[str]
    wire_agency: str | None = None
    dateline: str | None = None


@functools.lru_cache(maxsize=4096)
def _prefix_pattern(prefix: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(prefix.strip())}\s*(?::|{_DASH}|\|)\s*", re.IGNORECASE)


def strip_source_prefix(paragraph: str, prefixes: list[str]) -> str:
    """Remove an outlet's own name put before the text: "أخبار المدينة : ...", "Jo24 - ..."."""
    for prefix in prefixes:
        if not prefix:
            continue
        match = _prefix_pattern(prefix).match(paragraph)
        if match:
            return paragraph[match.end():].lstrip()
    return paragraph


_CREDIT_TAIL = 120  # a credit is short: "-(وكالة الصحافة الفرنسية)" is the longest spelling


def trailing_credit(text: str) -> tuple[str, int] | None:
    """The agency credited in brackets at the end of a paragraph, and where the credit starts.
    Only the tail is searched: an end-anchored search over a whole paragraph would try every position."""
    tail = text[-_CREDIT_TAIL:].rstrip(" -\u2013\u2014\u2012\u2010_")
    if tail[-1:] not in (")", "]"):
        return None
    # Most bracketed endings are not credits ("(2-1)", "(photo)"): a dictionary lookup of the
    # bracket's words rules them out before the regex runs.
    inner = tail[max(tail.rfind("("), tail.rfind("[")) + 1:-1]
    if not any(ch.isalpha() for ch in inner) or len(inner) > 40:  # "(2-1)", a bracketed sentence
        return None
    if matching_form(inner).replace(" ", "") not in _ALIAS_FORMS_UNSPACED:
        return None
    offset = max(0, len(text) - _CREDIT_TAIL)
    match = _TRAILING_CREDIT.search(text, offset)
    return (match.group("agency"), match.start()) if match else None


def attribute(paragraphs: list[str], source_prefixes: list[str] = ()) -> Attribution:
    """Find the agency and dateline, and remove them and the outlet's prefix from the text."""
    result = Attribution(paragraphs=[])
    for index, paragraph in enumerate(paragraphs):
        text = strip_source_prefix(paragraph, list(source_prefixes)) if source_prefixes else paragraph
        if index == 0 or (not result.paragraphs and text):
            dateline = _DATELINE.match(text)
            if dateline:
                result.wire_agency = result.wire_agency or agency_for(dateline.group("agency"))
                place = dateline.group("place").strip(" ,،-\u2013\u2014")
                result.dateline = place or None
                text = text[dateline.end():]
        credit = trailing_credit(text)
        if credit:
            result.wire_agency = result.wire_agency or agency_for(credit[0])
            text = text[:credit[1]].rstrip()
        if text:
            result.paragraphs.append(text)
    return result

