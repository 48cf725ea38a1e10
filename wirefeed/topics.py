"""Topic tags over IPTC Media Topics: the 17 top-level topics and, where the model is confident,
the second-level topics the taxonomy lists (``schemas/media-topics.v1.json``: code, slug, broader
code, labels in ar, en and fr).

Provider codes come first (``provider_topics``): IPTC subject codes, ``medtop:`` qcodes and ninjs
subject URIs are mapped onto Media Topics with origin "provider" and kept verbatim. Items without
them get the classifier's topics (``tag_topics``) with origin "model": a learned multi-label model
(``wirefeed/topic_model.py``, shipped trained as ``wirefeed/models/topic-model.v1.npz``), each topic
with its probability as score. A top-level topic is kept at ``THRESHOLD`` (the likeliest one down to
``FALLBACK_THRESHOLD`` if the text, not the prior alone, raised it, since nearly every wire item has
a topic), at most ``MAX_TOPICS``; a second-level topic only under a kept broader topic and at
``SECOND_LEVEL_THRESHOLD``.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np

from wirefeed.resources import schema
from wirefeed.topic_model import Example, Lexicon, TopicModel, read_labelled, train

THRESHOLD = 0.5
FALLBACK_THRESHOLD = 0.25
FALLBACK_LIFT = 0.1  # the fallback topic must owe that much to the text, not to the prior alone
SECOND_LEVEL_THRESHOLD = 0.7  # chosen by cross-validation on the training corpus: precision over recall
MAX_TOPICS = 3
MAX_SECOND_LEVEL = 2
MODEL_FILE = "topic-model.v1.npz"
LEXICON_FILE = "topic-lexicon.v2.txt"


@dataclass(frozen=True)
class Topic:
    code: str
    slug: str
    broader: str | None
    labels: dict

    def label(self, language: str) -> str:
        return self.labels[language if language in self.labels else "en"]


@functools.lru_cache(maxsize=1)
def taxonomy() -> dict[str, Topic]:
    """Every Media Topic wirefeed knows, by code, top level first."""
    return {t["code"]: Topic(t["code"], t["slug"], t["broader"], t["labels"])
            for t in schema("media-topics.v1.json")["topics"]}


@functools.lru_cache(maxsize=1)
def _by_slug() -> dict[str, Topic]:
    return {t.slug: t for t in taxonomy().values()}


def resolve_label(label: str) -> set[str]:
    """The codes a label of the training data stands for: a slug or a code, with its broader topic."""
    topic = _by_slug().get(label) or taxonomy().get(label)
    if topic is None:
        raise ValueError(f"unknown topic {label!r}: not a slug or code of schemas/media-topics.v1.json")
    return {topic.code} | ({topic.broader} if topic.broader else set())


def label_for(code: str, language: str, default: str | None = None) -> str | None:
    """A Media Topic's label in the language (ar, en, fr; English otherwise), or ``default``."""
    topic = taxonomy().get(code)
    return topic.label(language) if topic else default


_SUBJECT_CODE = re.compile(r"(?:^|[/:])(\d{8})$")
_MEDIA_TOPIC = re.compile(r"(?:medtop:|mediatopic[:/])(\d{8})$", re.IGNORECASE)


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
        return top if top in taxonomy() else None
    return None


def provider_topics(subjects: list[dict], language: str) -> list[dict]:
    """The provider's subject codes as topics with origin "provider", mapped onto Media Topics where
    they can be (one entry per Media Topic), every verbatim code kept in provider_codes. A
    second-level Media Topic brings its broader topic along, so facets on the top level find it."""
    by_code: dict[str, dict] = {}

    def add(code: str, verbatim: str, name: str | None) -> None:
        if code in by_code:
            if verbatim not in by_code[code]["provider_codes"]:
                by_code[code]["provider_codes"].append(verbatim)
            return
        by_code[code] = {"code": code, "label": label_for(code, language, name or verbatim), "score": 1.0,
                         "origin": "provider", "provider_codes": [verbatim]}

    for subject in subjects:
        verbatim = subject["code"]
        code = media_topic_for(verbatim)
        if code is None:
            add(verbatim, verbatim, subject.get("name"))
            continue
        broader = taxonomy()[code].broader if code in taxonomy() else None
        if broader:
            add(broader, verbatim, None)
        add(code, verbatim, subject.get("name"))
    return list(by_code.values())


def provider_media_topics(item: dict) -> set[str]:
    """The Media Topics of the taxonomy that an item's provider codes map onto: its training labels."""
    codes = {t["code"] for t in provider_topics(item.get("subjects") or [], "en")}
    if not codes:  # a document rather than a raw item
        codes = {t["code"] for t in item.get("topics") or [] if t.get("origin") == "provider"}
    return {c for c in codes if c in taxonomy()}


def bundled_examples() -> list[Example]:
    """The labelled corpus shipped with wirefeed (``wirefeed/models/topic-training/<language>.txt``)."""
    folder = resources.files("wirefeed.models").joinpath("topic-training")
    examples = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".txt"):
            examples += read_labelled(entry.read_text(encoding="utf-8"), entry.name[:-4], resolve_label, entry.name)
    return examples


def train_model(examples: list[Example], **options) -> TopicModel:
    """A model over every topic of the taxonomy, learned from the examples."""
    known = taxonomy()
    return train(examples, list(known), [t.broader or "" for t in known.values()], lexicon=default_lexicon(),
                 meta={"lexicon": LEXICON_FILE}, **options)


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon(resources.files("wirefeed.models").joinpath(LEXICON_FILE).read_text(encoding="utf-8"),
                   resolve_label)


@functools.lru_cache(maxsize=1)
def default_model() -> TopicModel:
    """The model in WIREFEED_TOPIC_MODEL (one `wirefeed topics train` wrote), else the shipped one."""
    path = os.environ.get("WIREFEED_TOPIC_MODEL")
    if path:
        return TopicModel.load(path, default_lexicon())
    with resources.files("wirefeed.models").joinpath(MODEL_FILE).open("rb") as handle:
        return TopicModel.load(handle, default_lexicon())


def choose_topics(codes: list[str], probabilities: np.ndarray, language: str,
                  prior: np.ndarray | None = None) -> list[dict]:
    """The decision rule over a model's probabilities (each among its siblings): top-level topics,
    each followed by its confident second-level topics, scored by their joint probability.
    ``prior`` is the model's answer for a text without evidence (see ``FALLBACK_LIFT``)."""
    known = taxonomy()
    score = dict(zip(codes, probabilities.tolist()))
    base = dict(zip(codes, prior.tolist())) if prior is not None else {}
    top = sorted((c for c in codes if c in known and known[c].broader is None), key=lambda c: (-score[c], c))
    chosen = [c for c in top if score[c] >= THRESHOLD][:MAX_TOPICS]
    if (not chosen and top and score[top[0]] >= FALLBACK_THRESHOLD
            and score[top[0]] >= base.get(top[0], 0.0) + FALLBACK_LIFT):
        chosen = [top[0]]
    tagged = []
    for code in chosen:
        tagged.append(_model_topic(known[code], score[code], language))
        children = sorted((c for c in codes if c in known and known[c].broader == code), key=lambda c: -score[c])
        tagged += [_model_topic(known[c], score[code] * score[c], language)
                   for c in children[:MAX_SECOND_LEVEL] if score[c] >= SECOND_LEVEL_THRESHOLD]
    return tagged


def _model_topic(topic: Topic, score: float, language: str) -> dict:
    return {"code": topic.code, "label": topic.label(language), "score": round(score, 4), "origin": "model"}


def tag_topics(title: str, body: str, language: str, model: TopicModel | None = None) -> list[dict]:
    """The model's topics for a text; [] when it has no words the model knows well enough."""
    if not (title or "").strip() and not (body or "").strip():
        return []
    model = model or default_model()
    probabilities = model.scores(title or "", body or "")
    return [] if probabilities is None else choose_topics(model.codes, probabilities, language, model.prior)
