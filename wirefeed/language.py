"""Language tags with langdetect, made deterministic and honest about weak evidence."""
from __future__ import annotations

import re
from dataclasses import dataclass

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

# langdetect samples n-grams at random: a fixed seed makes the same text always get the same tag.
DetectorFactory.seed = 0
MAX_CHARS = 2000  # langdetect's cost grows with the text; the first paragraphs decide
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.5
UNDETERMINED = "und"
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
# langdetect often calls short Arabic "fa" or "ur". Persian and Urdu write letters Arabic does not
# (peh, tcheh, jeh, gaf, Farsi yeh, and Urdu's retroflex letters): without any of them it is Arabic.
_PERSIAN_URDU_LETTERS = re.compile(r"[\u067e\u0686\u0698\u06af\u06cc\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2]")


@dataclass(frozen=True)
class LanguageTag:
    language: str
    confidence: float


# The wire languages and the scripts' usual confusers: answers outside this set are langdetect noise
# on short text (English headlines come back as Afrikaans or Dutch).
CANDIDATES = frozenset({"ar", "en", "fr", "es", "de", "pt", "fa", "ur", "tr", "ru", "it"})
# How much more likely the language a feed declares is, before looking at the text.
DECLARED_PRIOR = 3.0


def detect_language(text: str, declared: str | None = None, candidates: frozenset[str] = CANDIDATES) -> LanguageTag:
    """The language of a text: langdetect's probabilities, limited to the candidate languages and
    weighed by the feed's declared language, so strong evidence overrules the declaration and weak
    evidence does not. Too little text gives the declared language or "und", never a confident guess."""
    sample = (text or "")[:MAX_CHARS]
    declared = (declared or "").split("-")[0].lower() or None
    if len(_LETTERS.findall(sample)) < MIN_LETTERS:
        return LanguageTag(declared or UNDETERMINED, 0.0)
    try:
        guesses = detect_langs(sample)
    except LangDetectException:
        return LanguageTag(declared or UNDETERMINED, 0.0)
    weights: dict[str, float] = {}
    total = 0.0  # includes languages outside the candidates: their mass is doubt, not evidence
    for guess in guesses:
        language = guess.lang.split("-")[0]
        if language in ("fa", "ur") and not _PERSIAN_URDU_LETTERS.search(sample):
            language = "ar"
        if language in candidates:
            prior = DECLARED_PRIOR if language == declared else 1.0
            weights[language] = weights.get(language, 0.0) + guess.prob * prior
            total += guess.prob * prior
        else:
            total += guess.prob
    if not weights:
        return LanguageTag(declared or UNDETERMINED, 0.0)
    language, weight = max(weights.items(), key=lambda kv: kv[1])
    confidence = weight / total if total else 0.0
    if confidence < MIN_CONFIDENCE:
        return LanguageTag(declared or UNDETERMINED, round(confidence, 4))
    return LanguageTag(language, round(confidence, 4))
