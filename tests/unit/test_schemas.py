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
