"""Topic tags over the 17 top-level IPTC Media Topics.

First cut: a weighted lexicon per topic and language (``wirefeed/models/topic-lexicon.v1.json``),
matched on the matching form with Arabic clitics stripped. Each topic gets a score in [0, 1]
that grows with the evidence; topics above the threshold are kept, best first.
"""
from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from dataclasses import dataclass

from wirefeed.resources import load_json, schema
from wirefeed.text.normalize import matching_form

THRESHOLD = 0.5
MAX_TOPICS = 3
TITLE_WEIGHT = 2.0
SATURATION = 3.0  # evidence at which a topic's score reaches 1 - 1/e
MAX_WORDS = 600
_ARABIC_CONJUNCTIONS = ("و", "ف")
_ARABIC_ARTICLES = ("بال", "كال", "فال", "وال", "لل", "ال")


@dataclass(frozen=True)
class _Stem:
    text: str
    exact: bool
    topic: str


class LexiconModel:
    def __init__(self, lexicon: dict, taxonomy: dict):
        self.labels = {t["code"]: t["labels"] for t in taxonomy["topics"]}
        self.words: dict[str, dict[str, list[_Stem]]] = defaultdict(lambda: defaultdict(list))
        self.phrases: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for topic, per_language in lexicon["topics"].items():
            if topic not in self.labels:
                raise ValueError(f"lexicon topic {topic} is not in the taxonomy")
            for language, entries in per_language.items():
                for entry in entries:
                    exact = entry.endswith("$")
                    form = matching_form(entry.rstrip("$"))
                    if " " in form:
                        self.phrases[language].append((f" {form}", topic))
                    else:
                        # Stems under three letters would match too much as prefixes.
                        self.words[language][form[:3]].append(_Stem(form, exact or len(form) < 3, topic))

    def languages(self, language: str) -> list[str]:
        return [language] if language in self.words else list(self.words)

    @staticmethod
    def _candidates(token: str) -> list[str]:
        forms = [token]
        if len(token) > 3 and token[0] in _ARABIC_CONJUNCTIONS and "\u0600" <= token[1] <= "\u06ff":
            forms.append(token[1:])
        for form in list(forms):
            for article in _ARABIC_ARTICLES:
                if form.startswith(article) and len(form) - len(article) >= 2:
                    forms.append(form[len(article):])
                    break
        return forms

    def _evidence(self, text: str, languages: list[str], weight: float, scores: dict[str, float]) -> None:
        form = matching_form(text)
        tokens = form.split()[:MAX_WORDS]
        for language in languages:
            index = self.words[language]
            for token in tokens:
                matched = set()
                for candidate in self._candidates(token):
                    for stem in index.get(candidate[:3], ()):
                        if stem.topic in matched:
                            continue
                        if candidate == stem.text or (not stem.exact and candidate.startswith(stem.text)):
                            matched.add(stem.topic)
                            scores[stem.topic] += weight
            if self.phrases[language]:
                padded = " " + " ".join(tokens)
                for phrase, topic in self.phrases[language]:
                    if phrase in padded:
                        scores[topic] += weight

    def classify(self, title: str, body: str, language: str) -> list[dict]:
        scores: dict[str, float] = defaultdict(float)
        languages = self.languages(language)
        self._evidence(title, languages, TITLE_WEIGHT, scores)
        self._evidence(body, languages, 1.0, scores)
        label_language = language if language in ("ar", "en", "fr") else "en"
        tagged = []
        for topic, evidence in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
            score = 1.0 - math.exp(-evidence / SATURATION)
            if score < THRESHOLD or len(tagged) == MAX_TOPICS:
                break
            tagged.append({"code": topic, "label": self.labels[topic][label_language],
                           "score": round(score, 4), "origin": "model"})
        return tagged


_SUBJECT_CODE = re.compile(r"(?:^|[/:])(\d{8})$")
_MEDIA_TOPIC = re.compile(r"(?:medtop:|mediatopic[:/])(\d{8})$", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def taxonomy_labels() -> dict[str, dict[str, str]]:
    return {t["code"]: t["labels"] for t in schema("media-topics.v1.json")["topics"]}


def label_for(code: str, language: str, default: str | None = None) -> str | None:
    """A Media Topic's label in the language (ar, en, fr; English otherwise), or ``default``."""
    labels = taxonomy_labels().get(code)
    return labels[language if language in labels else "en"] if labels else default


def media_topic_for(provider_code: str) -> str | None:
    """The Media Topic a provider's code stands for: a medtop qcode or URI as it is; an IPTC subject
    code (8 digits, bare or as subj:/URI) by its top level, which both vocabularies number 01-17 alike.
    None for a code of another scheme."""
    code = provider_code.strip()
    medtop = _MEDIA_TOPIC.search(code)
    if medtop:
        return f"medtop:{medtop.group(1)}"
    subject = _SUBJECT_CODE.search(code)
    if subject and "mediatopic" not in code.lower():
        top = f"medtop:{subject.group(1)[:2]}000000"
        return top if top in taxonomy_labels() else None
    return None


def provider_topics(subjects: list[dict], language: str) -> list[dict]:
    """The provider's subject codes as topics with origin "provider", mapped onto Media Topics where
    they can be (one entry per Media Topic), every verbatim code kept in provider_codes."""
    by_code: dict[str, dict] = {}
    for subject in subjects:
        verbatim = subject["code"]
        code = media_topic_for(verbatim) or verbatim
        if code in by_code:
            if verbatim not in by_code[code]["provider_codes"]:
                by_code[code]["provider_codes"].append(verbatim)
            continue
        label = label_for(code, language, subject.get("name") or verbatim)
        by_code[code] = {"code": code, "label": label, "score": 1.0, "origin": "provider", "provider_codes": [verbatim]}
    return list(by_code.values())


@functools.lru_cache(maxsize=1)
def default_model() -> LexiconModel:
    return LexiconModel(load_json("wirefeed.models", "topic-lexicon.v1.json"), schema("media-topics.v1.json"))


def tag_topics(title: str, body: str, language: str) -> list[dict]:
    return default_model().classify(title, body, language)

