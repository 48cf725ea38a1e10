"""Unicode clean-up for display text, and the matching form used only for fingerprints and lookups."""
from __future__ import annotations

import re
import unicodedata

# Zero-width characters, bidi controls, the Arabic letter mark and the soft hyphen: invisible,
# but they split words and break equality of otherwise identical text.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
     0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF,
     0x0640],  # tatweel: typographic stretching, never meaning
    None)
# str.translate with a dict looks up every character in Python; a regex class scans in C, 20x faster.
_INVISIBLE_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _INVISIBLE) + "]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_EDGES = re.compile(r" *\n *")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_text(text: str | None) -> str:
    """Display text: NFC, invisible controls and tatweel removed, runs of spaces collapsed, trimmed.
    Newlines are kept (they separate paragraphs)."""
    if not text:
        return ""
    text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFC", text))
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Whole-text substitutions rather than one per line: cleaning calls this for every paragraph.
    return _LINE_EDGES.sub("\n", _SPACES.sub(" ", text)).strip()


# Matching form ---------------------------------------------------------------------------------
# NFKD splits hamza and madda off their carrier letters (أ إ آ ؤ ئ) and accents off Latin letters;
# dropping the combining marks then also removes Arabic diacritics (harakat, shadda, sukun).
_ARABIC_FOLD = str.maketrans({
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0649": "\u064a",  # alef maqsura -> yeh
    "\u06cc": "\u064a",  # farsi yeh -> yeh
    "\u0629": "\u0647",  # ta marbuta -> heh
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u0621": "",        # lone hamza
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Extended (Persian) digits
})
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_PUNCTUATION_KEEP_LINES = re.compile(r"[^\w\n ]+", re.UNICODE)


def _char_class(codepoints) -> str:
    """A regex character class for a set of code points, as ranges."""
    points = sorted(codepoints)
    ranges, start, previous = [], points[0], points[0]
    for cp in points[1:] + [None]:
        if cp is not None and cp == previous + 1:
            previous = cp
            continue
        ranges.append(re.escape(chr(start)) + (f"-{re.escape(chr(previous))}" if previous != start else ""))
        if cp is not None:
            start = previous = cp
    return "[" + "".join(ranges) + "]"


# After NFKD: combining marks (Arabic diacritics, the hamza split off its carrier, Latin accents) go;
# the Arabic letter folds and digit maps apply to the few characters that need them.
_MARKS = re.compile(_char_class(cp for cp in range(0x0300, 0x10000) if unicodedata.combining(chr(cp))))
_FOLDS = {chr(k): v or "" for k, v in _ARABIC_FOLD.items()}
_FOLDS["_"] = " "
_FOLD = re.compile(_char_class(ord(ch) for ch in _FOLDS))


def _fold(text: str, visible: bool = False) -> str:
    """Case, accents, diacritics and letter forms folded; ``visible`` when invisibles are already gone."""
    decomposed = unicodedata.normalize("NFKD", (text if visible else _INVISIBLE_RE.sub("", text)).casefold())
    return _FOLD.sub(lambda m: _FOLDS[m.group()], _MARKS.sub("", decomposed))


def matching_forms(paragraphs: list[str], visible: bool = False) -> list[str]:
    """``[matching_form(p) for p in paragraphs]`` in one pass over the joined text (a handful of
    regex scans per item instead of four per paragraph). ``visible``: the paragraphs went through
    normalize_text already, so there are no invisible characters to remove."""
    if any("\n" in p for p in paragraphs):
        return [matching_form(p) for p in paragraphs]
    # Punctuation runs become spaces; then split/join collapses spaces (far fewer regex matches
    # than replacing every space between words).
    joined = _PUNCTUATION_KEEP_LINES.sub(" ", _fold("\n".join(paragraphs), visible))
    return [" ".join(line.split()) for line in joined.split("\n")]


def matching_form(text: str | None) -> str:
    """A folded form for comparing text, never shown: case folded, accents, Arabic diacritics and
    hamza forms removed, alef maqsura and ta marbuta unified, digits mapped, punctuation dropped."""
    if not text:
        return ""
    return _NON_WORD.sub(" ", _fold(text)).strip()


_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def is_arabic_script(text: str) -> bool:
    return bool(_ARABIC_LETTER.search(text))
