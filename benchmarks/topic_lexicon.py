"""Baseline for bench_topics: the hand-written lexicon wirefeed tagged topics with before it learned a
model (stems per Media Topic and language, ``benchmarks/data/topic-lexicon.v1.json``). Kept only to
measure the learned model against in the same run.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

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




def lexicon_baseline() -> LexiconModel:
    from wirefeed.topics import taxonomy

    lexicon = json.loads((Path(__file__).parent / "data" / "topic-lexicon.v1.json").read_text(encoding="utf-8"))
    top = [{"code": t.code, "labels": t.labels} for t in taxonomy().values() if t.broader is None]
    return LexiconModel(lexicon, {"topics": top})
