"""Boilerplate a source puts on every item, learned from its recent items.

Cleaning already strips an outlet's configured name and feed title, and footer lines in a fixed
list. Outlets also use names no one configured ("جو 24 :" on a feed titled "Jo24 News") and lines
of their own ("Download our app", "تابعونا على تلغرام"). Such a prefix or line recurs at the edge of
most of a source's items, which a story's text never does: what starts or ends at least
``MIN_ITEMS`` items and ``MIN_SHARE`` of the source's recent items is boilerplate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from wirefeed.text.normalize import matching_form

MIN_ITEMS = 3
MIN_SHARE = 0.4
RECENT = 50            # items remembered per source
MAX_PREFIX_CHARS = 40  # "أخبار المدينة :" yes; a sentence with a colon in it no
MAX_LINE_WORDS = 25
_PREFIX = re.compile(rf"^(?P<prefix>[^:|\-\u2013\u2014\n]{{2,{MAX_PREFIX_CHARS}}}?)\s*(?::|\||\s[-\u2013\u2014])\s+")


@dataclass(frozen=True)
class Edges:
    """What one item shows at its edges: its leading segment and its first and last short lines."""
    item_id: str
    prefix: str | None
    lines: tuple[str, ...]
    title: str = ""  # matching form, shortened: items with the same title are one story

    def to_json(self) -> dict:
        return {"id": self.item_id, "prefix": self.prefix, "lines": list(self.lines), "title": self.title}

    @classmethod
    def from_json(cls, data: dict) -> "Edges":
        return cls(data["id"], data.get("prefix"), tuple(data.get("lines") or ()), data.get("title") or "")


@dataclass
class Learned:
    prefixes: set[str] = field(default_factory=set)  # matching forms
    lines: set[str] = field(default_factory=set)     # matching forms

    def __bool__(self) -> bool:
        return bool(self.prefixes or self.lines)


def _paragraphs(doc: dict) -> list[str]:
    return [p for p in (doc.get("body") or "").split("\n\n") if p]


def leading_segment(text: str) -> str | None:
    match = _PREFIX.match(text or "")
    return matching_form(match.group("prefix")) or None if match else None


def edges(doc: dict) -> Edges:
    paragraphs = _paragraphs(doc)
    candidates = [paragraphs[0], paragraphs[-1]] if paragraphs else []
    lines = tuple(dict.fromkeys(matching_form(p) for p in candidates if len(p.split()) <= MAX_LINE_WORDS))
    first = paragraphs[0] if paragraphs else ""
    prefix = leading_segment(first) or leading_segment(doc.get("title") or "")
    return Edges(doc["id"], prefix, tuple(line for line in lines if line), matching_form(doc.get("title"))[:80])


def learn(samples: list[Edges]) -> Learned:
    """Prefixes and lines at the edge of at least MIN_ITEMS and MIN_SHARE of the samples."""
    unique = list({sample.item_id: sample for sample in samples}.values())
    if len(unique) < MIN_ITEMS:
        return Learned()
    need = max(MIN_ITEMS, MIN_SHARE * len({sample.title or sample.item_id for sample in unique}))
    prefix_titles: dict[str, set[str]] = {}
    line_titles: dict[str, set[str]] = {}
    for sample in unique:
        title = sample.title or sample.item_id
        if sample.prefix:
            prefix_titles.setdefault(sample.prefix, set()).add(title)
        for line in set(sample.lines):
            line_titles.setdefault(line, set()).add(title)
    return Learned({p for p, titles in prefix_titles.items() if len(titles) >= need},
                   {line for line, titles in line_titles.items() if len(titles) >= need})


def _strip_prefix(text: str, learned: Learned) -> str:
    match = _PREFIX.match(text or "")
    if match and matching_form(match.group("prefix")) in learned.prefixes:
        return text[match.end():]
    return text


def strip_learned(doc: dict, learned: Learned) -> tuple[dict, list[str]]:
    """The document without the learned prefix and lines; and what was removed. Text fields and the
    fingerprints derived from them are recomputed only when something was removed."""
    if not learned:
        return doc, []
    removed = []
    paragraphs = []
    for index, paragraph in enumerate(_paragraphs(doc)):
        if matching_form(paragraph) in learned.lines:
            removed.append(paragraph)
            continue
        if index == 0:
            stripped = _strip_prefix(paragraph, learned)
            if stripped != paragraph:
                removed.append(paragraph[:len(paragraph) - len(stripped)].strip())
                paragraph = stripped
        paragraphs.append(paragraph)
    title = _strip_prefix(doc.get("title") or "", learned)
    if not removed and title == (doc.get("title") or ""):
        return doc, []
    if not paragraphs and not title:
        return doc, []  # it would leave nothing: better to keep the item as it came
    from wirefeed.enrich import refingerprint

    summary = _strip_prefix(doc.get("summary") or "", learned)
    if matching_form(summary) in learned.lines:
        summary = paragraphs[0] if paragraphs else ""
    return refingerprint({**doc, "title": title, "body": "\n\n".join(paragraphs), "summary": summary}), removed
