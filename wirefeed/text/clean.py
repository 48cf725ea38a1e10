"""The clean stage as pure functions: raw markup in, paragraphs an analyst can read out."""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field

from wirefeed.text.attribution import attribute
from wirefeed.text.html import to_line, to_paragraphs
from wirefeed.text.normalize import matching_form, matching_forms

# Lines outlets put under every item. A fixed first list; learning them per source is a later stage.
_BOILERPLATE = re.compile(
    r"^(للمزيد من الأخبار|لمزيد من الأخبار|تابعونا على|تابعوا|اقرأ أيضا|اقرأ ايضا|شاهد أيضا|"
    r"follow us on|read more|related:|click here|subscribe to|"
    r"suivez-nous|lire aussi|à lire aussi|abonnez-vous)",
    re.IGNORECASE)
_MAX_BOILERPLATE_WORDS = 25
# Desk signatures agencies put last: AFP's "hh/ph/ts/hd", "bur-mm/jj", AP's "_____" rule.
_SIGNATURE = re.compile(r"^(?:[a-z]{1,5}(?:[-/][a-z]{1,5}){1,8}|[_\-=*]{3,})$")
SUMMARY_CHARS = 400


@dataclass
class CleanText:
    title: str
    summary: str
    paragraphs: list[str]
    wire_agency: str | None = None
    dateline: str | None = None
    removed: list[str] = field(default_factory=list)
    body_form: str | None = None  # the body's matching form, when cleaning already computed it

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def is_boilerplate(paragraph: str) -> bool:
    # Cheapest test first: most paragraphs are long and start with neither pattern.
    if len(paragraph) <= 60 and _SIGNATURE.match(paragraph.strip()):  # signatures are short
        return True
    return bool(_BOILERPLATE.match(paragraph)) and len(paragraph.split()) <= _MAX_BOILERPLATE_WORDS


def _similar_enough(a: str, b: str) -> bool:
    """One paragraph is the other with a little added or lost at its edges (a prefix, a credit)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 0.85 * len(long_) and short in long_


_MIN_REPEAT_WORDS = 8


def remove_repeated_run(paragraph: str) -> str:
    """A paragraph that is its own text twice (a publishing fault without paragraph breaks, maybe
    with words changed at the seams): the first copy only. Cheap for ordinary paragraphs: only
    when the paragraph's first words come back later is the rest compared, word by word."""
    if len(paragraph) < 80:  # too short to hold two copies of anything worth a paragraph
        return paragraph
    words = paragraph.split(maxsplit=4)
    if len(words) < 5:
        return paragraph
    head = " ".join(words[:4])
    position = paragraph.find(head, len(head))
    while position != -1:
        first, second = paragraph[:position].rstrip(), paragraph[position:]
        a, b = [w.casefold() for w in first.split()], [w.casefold() for w in second.split()]
        if len(a) >= _MIN_REPEAT_WORDS and abs(len(a) - len(b)) <= max(2, len(a) // 10):
            if difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.9:
                return first
        position = paragraph.find(head, position + 1)
    return paragraph


def remove_repeated_paragraphs(paragraphs: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Keep the first occurrence of each paragraph; a later one equal to, or a near-copy of, a kept one
    goes. Comparison is on the matching form, so diacritics, case and punctuation do not hide a repeat.
    Returns (kept paragraphs, removed paragraphs, the kept paragraphs' matching forms)."""
    kept: list[str] = []
    kept_forms: list[str] = []
    seen: set[str] = set()
    removed: list[str] = []
    for paragraph, form in zip(paragraphs, matching_forms(paragraphs, visible=True)):
        if not form:
            continue
        if form in seen or any(_similar_enough(form, other) for other in kept_forms):
            removed.append(paragraph)
            continue
        seen.add(form)
        kept.append(paragraph)
        kept_forms.append(form)
    return kept, removed, kept_forms


def clean_item(title: str | None, summary: str | None, body: str | None, content_type: str | None = None,
               source_prefixes: list[str] = ()) -> CleanText:
    """Title, summary and body paragraphs as clean text, with the agency credit and dateline recorded
    and removed, the outlet's prefix and footer lines removed, and repeated paragraphs dropped."""
    clean_title = to_line(title)
    body_paragraphs = to_paragraphs(body, content_type)
    summary_paragraphs = to_paragraphs(summary, content_type)
    if not body_paragraphs:  # RSS often has only a description: it is the body
        body_paragraphs, summary_paragraphs = summary_paragraphs, []
    prefixes = [p for p in source_prefixes if p]
    attributed = attribute(body_paragraphs, prefixes)
    removed, paragraphs = [], []
    for paragraph in attributed.paragraphs:
        (removed if is_boilerplate(paragraph) else paragraphs).append(paragraph)
    paragraphs, repeated, forms = remove_repeated_paragraphs([remove_repeated_run(p) for p in paragraphs])
    clean_summary_parts = attribute(summary_paragraphs, prefixes).paragraphs
    clean_summary = " ".join(clean_summary_parts) if clean_summary_parts else (paragraphs[0] if paragraphs else "")
    if len(clean_summary) > SUMMARY_CHARS:
        clean_summary = clean_summary[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
    for prefix in prefixes:  # titles carry the outlet prefix too ("جو 24 : ...")
        clean_title = attribute([clean_title], [prefix]).paragraphs[0] if clean_title else clean_title
    return CleanText(title=clean_title, summary=clean_summary, paragraphs=paragraphs,
                     wire_agency=attributed.wire_agency, dateline=attributed.dateline,
                     removed=removed + repeated, body_form=" ".join(forms))


def content_hash(title: str, body: str, body_form: str | None = None) -> str:
    """Fingerprint of the content an exact duplicate shares: the body's matching form (titles are
    often rewritten by outlets), or the title's when there is no body. The body's form is the
    paragraphs' forms joined by a space, so a caller that has those passes it instead of re-folding."""
    basis = (body_form if body_form is not None else matching_form(body)) or matching_form(title)
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()
