import json
from importlib import resources

import pytest

from wirefeed.deadletter import dead_letter
from wirefeed.validation import DEADLETTER_SCHEMA, SchemaError, validate

REQUIRED_DOCUMENT_FIELDS = {"id", "source", "url", "title", "summary", "body", "language", "published_at",
                            "fetched_at", "wire_agency", "dateline", "topics", "story_id", "duplicate_of",
                            "content_hash", "@timestamp"}


def load(name):
    return json.loads(resources.files("wirefeed.schemas").joinpath(name).read_text())


def test_document_schema_has_the_agreed_fields_and_the_template_maps_them():
    document = load("document.v1.json")
    assert REQUIRED_DOCUMENT_FIELDS <= set(document["properties"])
    assert set(document["properties"]["source"]["required"]) == {"name", "feed_url", "connector"}
    assert set(document["properties"]["topics"]["items"]["required"]) == {"code", "label", "score", "origin"}
    mapped = set(load("index-template.v1.json")["template"]["mappings"]["properties"])
    assert set(document["properties"]) <= mapped


def test_dead_letters_keep_undecodable_payloads():
    binary = dead_letter("decode", "not JSON", b"\xff\xfe\x00")
    text = dead_letter("decode", "not JSON", b"plain text")
    parsed = dead_letter("validate-raw", "bad", b'{"a": 1}')
    for letter in (binary, text, parsed):
        validate(letter, DEADLETTER_SCHEMA)
    assert (binary["payload_encoding"], text["payload"], parsed["payload"]) == ("base64", "plain text", {"a": 1})


def test_invalid_dead_letter_is_caught():
    with pytest.raises(SchemaError, match="stage"):
        validate(dict(dead_letter("decode", "x", {}), stage="nowhere"), DEADLETTER_SCHEMA)


def test_the_fast_validator_agrees_with_jsonschema(arabic_feed_raw_items):
    """Valid passes both; each kind of invalid fails both (the fast path must never let one through)."""
    import copy

    from wirefeed.enrich import enrich
    from wirefeed.validation import DOCUMENT_SCHEMA, RAW_SCHEMA, fast_validator, validator

    raw = arabic_feed_raw_items[0]
    doc = enrich(raw)
    broken = []
    for message, schema_name, change in [
            (raw, RAW_SCHEMA, lambda m: m.pop("id")), (raw, RAW_SCHEMA, lambda m: m.update(fetched_at="2026-11-02T08:00:00")),
            (raw, RAW_SCHEMA, lambda m: m.update(title=None, summary=None, body=None)),
            (doc, DOCUMENT_SCHEMA, lambda m: m.update(content_hash="xyz")),
            (doc, DOCUMENT_SCHEMA, lambda m: m.update(similarity=1.5)),
            (doc, DOCUMENT_SCHEMA, lambda m: m["topics"].append({"code": "x"}))]:
        changed = copy.deepcopy(message)
        change(changed)
        broken.append((changed, schema_name))
    import fastjsonschema
    for message, schema_name in [(raw, RAW_SCHEMA), (doc, DOCUMENT_SCHEMA)]:
        fast_validator(schema_name)(message)
        assert not list(validator(schema_name).iter_errors(message))
    for message, schema_name in broken:
        assert list(validator(schema_name).iter_errors(message))
        with pytest.raises(fastjsonschema.JsonSchemaException):
            fast_validator(schema_name)(message)


def test_language_sub_fields_only_for_the_analyzers_a_cluster_has():
    from wirefeed.es_io import index_template
    from wirefeed.index_admin import with_language_fields

    plain = index_template("wirefeed-docs")
    assert with_language_fields(index_template("wirefeed-docs"), {}) == plain
    rich = with_language_fields(index_template("wirefeed-docs"), {"ar": "arabic", "fr": "french"})
    properties = rich["template"]["mappings"]["properties"]
    for name in ("title", "summary", "body"):
        assert properties[name]["fields"] == {"ar": {"type": "text", "analyzer": "arabic"},
                                              "fr": {"type": "text", "analyzer": "french"}}
