"""Language tags: langdetect's models, read deterministically and fast, honest about weak evidence.

langdetect stays the base: its n-gram profiles (trained on Wikipedia for 55 languages) and its
smoothing. What changes is how they are read. langdetect samples n-grams at random for seven
trials of up to a thousand steps, so its answer depends on a seed and its cost on luck; here every
n-gram of the (capped) text is scored once against the candidate languages' profiles, a naive Bayes
sum that is the same every time and several times faster. Around it:

- script first: Arabic script is Arabic, Persian or Urdu, decided by the letters only Persian or
  Urdu write (and Arabic's own: ي ك ة ى); a text in no candidate's script is ``und``;
- a candidate set (the wire languages and their confusers by default, narrowed per feed);
- words as well as n-grams: each word's frequency in each candidate language (wordfreq's lists,
  the 30,000 commonest words of each), which is what tells a 3-word headline in Portuguese from
  Spanish or Italian where character n-grams cannot;
- the declared language (the feed's or the agency's) as a prior that strong evidence overrules;
- ``und`` rather than a confident wrong answer when there is too little text (numbers, a URL) or
  only a person's name (a given name from ``wirefeed/models/given-names.txt`` and capitalised words).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MAX_CHARS = 600       # the first sentences decide; long bodies cost no more than that
MIN_LETTERS = 8          # for the n-gram model; letters a single language writes decide on less
MIN_SCRIPT_LETTERS = 4
MIN_CONFIDENCE = 0.6
UNDETERMINED = "und"
DECLARED_PRIOR = math.log(20.0)  # the declared language starts 20 times likelier
EVIDENCE_NGRAMS = 25.0  # beyond this many n-grams (or words), scores are averaged: confidence
EVIDENCE_WORDS = 8.0    # reflects how clearly the text leans, not merely how long it is
# The wire languages and the scripts' usual confusers.
CANDIDATES = frozenset({"ar", "en", "fr", "es", "de", "pt", "fa", "ur", "tr", "ru", "it"})
_SMOOTHING = 0.5 / 10000  # langdetect's alpha / BASE_FREQ

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")
_NON_LETTERS = re.compile(r"[\W\d_]+", re.UNICODE)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Letters one of the three Arabic-script languages writes and the others do not (or rarely).
_URDU_ONLY = re.compile(r"[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2\u06d3]")      # ٹ ڈ ڑ ں ھ ہ ے ۓ
_PERSIAN = re.compile(r"[\u067e\u0686\u0698\u06af\u06a9\u06cc]")                    # پ چ ژ گ ک ی
_ARABIC_ONLY = re.compile(r"[\u064a\u0643\u0629\u0649]")                            # ي ك ة ى
_SCRIPT_OF = {"ar": "arabic", "fa": "arabic", "ur": "arabic", "ru": "cyrillic"}


@dataclass(frozen=True)
class LanguageTag:
    language: str
    confidence: float


@lru_cache(maxsize=8)
def _model(candidates: frozenset[str]) -> tuple[dict[str, int], np.ndarray, tuple[str, ...]]:
    """n-gram -> row of log(smoothing + P(n-gram | language)) for the candidates, from langdetect's profiles."""
    import langdetect

    profiles = Path(langdetect.__file__).parent / "profiles"
    languages = tuple(sorted(candidates))
    rows: dict[str, int] = {}
    columns = []
    for language in languages:
        profile = json.loads((profiles / language).read_text(encoding="utf-8"))
        columns.append((profile["freq"], profile["n_words"]))
        for gram in profile["freq"]:
            if gram not in rows:
                rows[gram] = len(rows)
    matrix = np.full((len(rows), len(languages)), math.log(_SMOOTHING), dtype=np.float32)
    for column, (freq, n_words) in enumerate(columns):
        for gram, count in freq.items():
            matrix[rows[gram], column] = math.log(_SMOOTHING + count / n_words[len(gram) - 1])
    return rows, matrix, languages


WORDS_PER_LANGUAGE = 30000
_UNSEEN_WORD = 1e-7  # the frequency of a word outside a language's list
MAX_WORDS = 60


@lru_cache(maxsize=8)
def _word_model(candidates: frozenset[str]) -> tuple[dict[str, int], np.ndarray, tuple[str, ...]]:
    """word -> row of log frequency in each candidate language (wordfreq, commonest words only)."""
    import wordfreq

    languages = tuple(sorted(candidates))
    rows: dict[str, int] = {}
    entries: list[tuple[int, int, float]] = []
    for column, language in enumerate(languages):
        seen = 0
        for bucket, words in enumerate(wordfreq.get_frequency_list(language, wordlist="best")):
            for word in words:
                row = rows.setdefault(word, len(rows))
                entries.append((row, column, 10 ** (-bucket / 100)))
            seen += len(words)
            if seen >= WORDS_PER_LANGUAGE:
                break
    matrix = np.full((len(rows), len(languages)), math.log(_UNSEEN_WORD), dtype=np.float32)
    for row, column, frequency in entries:
        matrix[row, column] = math.log(frequency + _UNSEEN_WORD)
    return rows, matrix, languages


def _ngrams(text: str) -> list[str]:
    """langdetect's n-grams (1 to 3 characters, words padded with spaces), after its normalisation:
    digits and punctuation are spaces, Farsi yeh is read as Arabic yeh."""
    grams = []
    for word in _NON_LETTERS.sub(" ", text).replace("\u06cc", "\u064a").split():
        if len(word) > 1 and word.isupper():
            word = word[0] + word[1:].lower()  # langdetect skips all-caps runs; their shape still helps
        padded = f" {word} "
        grams.extend(padded[i:i + n] for n in (1, 2, 3) for i in range(len(padded) - n + 1))
    return [g for g in grams if g != " "]


def arabic_script_language(text: str) -> str | None:
    """ar or ur from the letters only one of them writes (Urdu's retroflex letters and ے ں ہ ھ;
    Arabic's ي ك ة ى); None when only the n-grams can tell (Persian and Urdu share پ چ گ ک ی)."""
    urdu, persian, arabic = (len(p.findall(text)) for p in (_URDU_ONLY, _PERSIAN, _ARABIC_ONLY))
    if urdu and urdu >= arabic:
        return "ur"
    if arabic > persian:
        return "ar"
    return None


# The accented letters each Latin-script candidate writes: a letter outside a language's alphabet
# ("ğ" in "Doğuda", "ã" in "não") is strong evidence against it, whatever the n-grams say.
_ALPHABETS = {"en": "", "fr": "àâæçéèêëîïôœùûüÿ", "es": "áéíóúüñ", "de": "äöüßé", "pt": "áâãàçéêíóôõúü",
              "it": "àèéìíîòóùú", "tr": "çğıöşüâîû"}
_FOREIGN_LETTER = -20.0  # nats: practically rules the language out
_ACCENTED = re.compile(r"[\u00c0-\u024f]")


def _alphabet_evidence(text: str, languages: tuple[str, ...]) -> np.ndarray:
    accented = set(_ACCENTED.findall(text.lower()))
    evidence = np.zeros(len(languages))
    if accented:
        for column, language in enumerate(languages):
            alphabet = _ALPHABETS.get(language)
            if alphabet is not None:
                evidence[column] = _FOREIGN_LETTER * sum(1 for ch in accented if ch not in alphabet)
    return evidence


# A person's name is no evidence of the text's language: "Emmanuel Macron" is not French text.
MAX_NAME_WORDS = 4
COMMON_WORD_ZIPF = 5.0  # a given name this frequent as a word ("Will", "Nova", "Pedro") is read as a word
_NAME_PARTICLES = frozenset("al el bin ibn bint abu ben de da di del della do dos das du van von der den la le y".split())


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """Given names in Latin script (``wirefeed/models/given-names.txt``, from Faker's person providers)."""
    from importlib import resources

    text = resources.files("wirefeed.models").joinpath("given-names.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def is_a_name(text: str, languages: frozenset[str]) -> bool:
    """Whether a short Latin-script text is only a person's name: at most four capitalised words (name
    particles such as "bin" or "de" aside), the first a given name that none of the languages
    uses as a common word."""
    words = _NON_LETTERS.sub(" ", text).split()
    core = [w for w in words if w.lower() not in _NAME_PARTICLES]
    if not core or len(words) > MAX_NAME_WORDS or not all(w[0].isupper() for w in core):
        return False
    first = core[0].lower()
    if first not in _given_names():
        return False
    import wordfreq

    return max(wordfreq.zipf_frequency(first, language) for language in languages) < COMMON_WORD_ZIPF


def _script(text: str) -> str:
    counts = {"arabic": len(_ARABIC_SCRIPT.findall(text)), "cyrillic": len(_CYRILLIC.findall(text)),
              "latin": len(_LATIN.findall(text))}
    return max(counts, key=counts.get) if any(counts.values()) else "other"


def _tag(language: str, confidence: float, declared: str | None) -> LanguageTag:
    if confidence < MIN_CONFIDENCE:
        return LanguageTag(declared or UNDETERMINED, round(confidence, 4))
    return LanguageTag(language, round(confidence, 4))


def detect_language(text: str, declared: str | None = None, candidates: frozenset[str] = CANDIDATES) -> LanguageTag:
    """The language of a text among the candidates, weighed by the declared language: strong
    evidence overrules the declaration, weak evidence does not; too little text gives the declared
    language or "und", never a confident guess. Title, summary and body are read together."""
    declared = (declared or "").split("-")[0].lower() or None
    sample = _URL.sub(" ", (text or "")[:MAX_CHARS * 2])[:MAX_CHARS]
    letters = len(_LETTERS.findall(sample))
    if letters < MIN_SCRIPT_LETTERS:
        return LanguageTag(declared or UNDETERMINED, 0.0)
    script = _script(sample)
    allowed = frozenset(c for c in candidates if _SCRIPT_OF.get(c, "latin") == script)
    if not allowed:
        return LanguageTag(UNDETERMINED, 0.0)  # a script none of the candidates writes
    if script == "arabic":
        decided = arabic_script_language(sample)
        if decided in allowed:
            return LanguageTag(decided, 0.99)
        if "fa" not in allowed and "ur" not in allowed and "ar" in allowed:
            return LanguageTag("ar", 0.9)
    if letters < MIN_LETTERS or (script == "latin" and is_a_name(sample, allowed)):
        return LanguageTag(declared or UNDETERMINED, 0.0)
    if len(allowed) == 1:
        [only] = allowed
        return LanguageTag(only, 0.99)
    rows, matrix, languages = _model(frozenset(allowed))
    indexes = [rows[g] for g in _ngrams(sample) if g in rows]
    if not indexes:
        return LanguageTag(declared or UNDETERMINED, 0.0)
    scores = matrix[indexes].sum(axis=0, dtype=np.float64) / max(1.0, len(indexes) / EVIDENCE_NGRAMS)
    word_rows, word_matrix, _ = _word_model(frozenset(allowed))
    known = [word_rows[w] for w in _NON_LETTERS.sub(" ", sample.lower()).split()[:MAX_WORDS] if w in word_rows]
    if known:
        scores += word_matrix[known].sum(axis=0, dtype=np.float64) / max(1.0, len(known) / EVIDENCE_WORDS)
    scores += _alphabet_evidence(sample, languages)
    if declared in languages:
        scores[languages.index(declared)] += DECLARED_PRIOR
    scores = np.exp(scores - scores.max())
    probabilities = scores / scores.sum()
    best = int(probabilities.argmax())
    return _tag(languages[best], float(probabilities[best]), declared)
