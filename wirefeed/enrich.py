"""The processing stages as pure functions on dicts: raw item -> indexed document.

The Beam job (``wirefeed.pipelines``) wraps each stage in a DoFn; ``wirefeed enrich`` runs the same
stages in a loop. A stage that cannot take an item raises :class:`Rejected`, naming the stage.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Iterable

from wirefeed.language import CANDIDATES, detect_language
from wirefeed.stories import fingerprint as story_fingerprint
from wirefeed.stories import new_story_id
from wirefeed.text.attribution import agency_for, attribute
from wirefeed.text.clean import clean_item, content_hash
from wirefeed.text.normalize import matching_form
from wirefeed.topics import label_for, provider_topics, taxonomy
from wirefeed.topics import tag_topics as classify_topics
from wirefeed.validation import DOCUMENT_SCHEMA, RAW_SCHEMA, SchemaError, validate

RAW_SCHEMA_ID = "wirefeed.raw/v1"
DOCUMENT_SCHEMA_ID = "wirefeed.document/v1"
# A kill (canceled) or a withdrawal (withheld) takes the item out of the index.
WITHDRAWN = frozenset({"canceled", "withheld"})
# Agency metadata carried verbatim from raw item to document.
_AGENCY_FIELDS = ("byline", "credit", "provider", "urgency", "priority", "revision")
_AGENCY_TIMES = ("first_created", "version_created", "embargo_until")


class Rejected(Exception):
    """An item a stage cannot take; it goes to the dead-letter topic with this reason."""

    def __init__(self, stage: str, reason: str):
        super().__init__(reason)
        self.stage = stage
        self.reason = reason


def utc_iso(value: str | datetime | None) -> str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def validate_raw(raw) -> dict:
    if not isinstance(raw, dict):
        raise Rejected("validate-raw", f"expected a JSON object, got {type(raw).__name__}")
    try:
        validate(raw, RAW_SCHEMA)
    except SchemaError as exc:
        raise Rejected("validate-raw", str(exc)) from None
    return raw


def clean(raw: dict) -> dict:
    """Clean text and attribution; the document with every field present, not yet tagged."""
    source = raw["source"]
    prefixes = [source.get("title"), source.get("name"), *source.get("prefixes", [])]
    text = clean_item(raw.get("title"), raw.get("summary"), raw.get("body"), raw.get("content_type"),
                      [p for p in prefixes if p])
    withdrawn = raw.get("pub_status") in WITHDRAWN
    if not text.title and not text.paragraphs and not withdrawn:
        raise Rejected("enrich", "nothing left after cleaning: no visible title or body text")
    wire_agency, dateline = text.wire_agency, text.dateline
    if raw.get("dateline") and not dateline:  # the agency's own dateline field: "STOCKHOLM, Aug 29 (AFP) -"
        declared = attribute([raw["dateline"] + " x"])
        dateline = declared.dateline or raw["dateline"].strip(" -\u2013\u2014")
        wire_agency = wire_agency or declared.wire_agency
    if not wire_agency:
        for field_name in ("credit", "provider"):
            if raw.get(field_name):
                wire_agency = agency_for(raw[field_name]) or (raw[field_name] if field_name == "provider" else None)
                if wire_agency:
                    break
    published = utc_iso(raw.get("published_at"))
    fetched = utc_iso(raw["fetched_at"])
    body = text.body
    # Fingerprinted here, where workers run in parallel; FoldStories only looks the bands up.
    bands = [] if withdrawn else list(story_fingerprint(
        {"title": text.title, "summary": text.summary, "body": body}, text.body_form).bands)
    fingerprint = content_hash(text.title, body, text.body_form)
    return {
        "schema": DOCUMENT_SCHEMA_ID,
        "id": raw["id"],
        "version": raw.get("version", 0),
        "source": {k: source[k] for k in ("name", "feed_url", "connector", "languages") if k in source},
        "url": raw.get("url"),
        "title": text.title,
        "summary": text.summary,
        "body": body,
        "match_text": match_text(text.title, body, text.body_form),
        "language": raw.get("language") or source.get("language") or "und",
        "language_confidence": 0.0,
        "published_at": published,
        "fetched_at": fetched,
        "wire_agency": wire_agency,
        "dateline": dateline,
        "topics": provider_topics(raw.get("subjects", []), raw.get("language") or source.get("language") or "en"),
        # A document is its own story until FoldStories finds the copies it belongs with.
        "story_id": new_story_id(raw["id"]),
        "duplicate_of": None,
        "similarity": None,
        "outlets": [source["name"]],
        "copies": 1,
        "story_bands": bands,
        "content_hash": fingerprint,
        "authors": raw.get("authors", []),
        "categories": raw.get("categories", []),
        "extra": raw.get("extra", {}),
        **{name: raw.get(name) for name in _AGENCY_FIELDS},
        **{name: utc_iso(raw.get(name)) for name in _AGENCY_TIMES},
        "pub_status": raw.get("pub_status") or "usable",
        "@timestamp": published or fetched,
    }


def refingerprint(doc: dict) -> dict:
    """The content hash and story band keys again, after a later step changed the text."""
    text_only = {"title": doc["title"], "summary": doc["summary"], "body": doc["body"]}
    bands = [] if is_withdrawn(doc) else list(story_fingerprint(text_only).bands)
    return {**doc, "content_hash": content_hash(doc["title"], doc["body"]), "story_bands": bands,
            "match_text": match_text(doc["title"], doc["body"])}


def match_text(title: str, body: str, body_form: str | None = None) -> str:
    """What search matches: title and body in their matching form, so "فَيَضانات" finds "فيضانات"."""
    return " ".join(part for part in (matching_form(title), body_form if body_form is not None
                                      else matching_form(body)) if part)


def is_withdrawn(doc: dict) -> bool:
    return doc.get("pub_status") in WITHDRAWN


def tag_language(doc: dict) -> dict:
    declared = doc["language"] if doc["language"] != "und" else None
    narrowed = doc["source"].get("languages")
    tag = detect_language("\n".join((doc["title"], doc["summary"], doc["body"])), declared,
                          frozenset(narrowed) if narrowed else CANDIDATES)
    return {**doc, "language": tag.language, "language_confidence": tag.confidence}


def tag_topics(doc: dict) -> dict:
    """Provider codes first (mapped onto Media Topics, verbatim codes kept); the model's topics only
    for items whose provider gave no code that maps onto a Media Topic. Provider labels follow the
    detected language."""
    topics = [{**t, "label": label_for(t["code"], doc["language"], t["label"])} if t["origin"] == "provider" else t
              for t in doc["topics"]]
    if not any(t["origin"] == "provider" and t["code"] in taxonomy() for t in topics):
        topics += classify_topics(doc["title"], doc["body"], doc["language"])
    return {**doc, "topics": topics}


def validate_document(doc: dict) -> dict:
    try:
        validate(doc, DOCUMENT_SCHEMA)
    except SchemaError as exc:
        raise Rejected("validate-document", str(exc)) from None
    return doc


STAGES = (validate_raw, clean, tag_language, tag_topics, validate_document)


def enrich(raw) -> dict:
    value = raw
    for stage in STAGES:
        value = stage(value)
    return value


# Versions and stories ----------------------------------------------------------------------------

def version_order(doc: dict, position: int = 0) -> tuple:
    """Order of versions of one item: its declared version, then where it came in (Kafka offset)."""
    return (doc.get("version") or 0, position)


def latest_versions(docs: Iterable[dict]) -> list[dict]:
    """The latest version of each item id (an update replaces its earlier version; it is not a copy)."""
    latest: dict[str, tuple[tuple, dict]] = {}
    for position, doc in enumerate(docs):
        order = version_order(doc, position)
        if doc["id"] not in latest or order >= latest[doc["id"]][0]:
            latest[doc["id"]] = (order, doc)
    return [doc for _, doc in latest.values()]


def strip_source_boilerplate(docs: list[dict]) -> list[dict]:
    """Each source's learned prefix and lines removed, learning from the documents given (offline:
    the job also remembers each source's recent items in Elasticsearch)."""
    from wirefeed.text.boilerplate import edges, learn, strip_learned

    by_source: dict[str, list[dict]] = {}
    for doc in docs:
        by_source.setdefault(doc["source"]["feed_url"], []).append(doc)
    learned = {url: learn([edges(d) for d in group if not is_withdrawn(d)]) for url, group in by_source.items()}
    return [strip_learned(doc, learned[doc["source"]["feed_url"]])[0] for doc in docs]


def fold_stories(docs: Iterable[dict], index=None) -> list[dict]:
    """Latest versions, each placed in its story (wirefeed.stories), without any store: what
    `wirefeed enrich` does offline, and what the job does with Elasticsearch as the store."""
    from wirefeed.stories import StoryIndex, fold

    folded, _ = fold(latest_versions(docs), index if index is not None else StoryIndex())
    return folded


def item_id(connector: str, feed_url: str, guid: str) -> str:
    """Stable id of an item: the same source and guid always give the same id."""
    digest = hashlib.sha1(f"{feed_url}\n{guid}".encode("utf-8")).hexdigest()[:24]
    return f"{connector}-{digest}"
