"""`wirefeed connectors new NAME`: a connector module, a fixture and a test that runs the contract kit."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

MODULE = '''"""{title} connector for wirefeed.

Reads documents of the form {{"items": [{{"id", "headline", "body_html", "published", "language",
"subjects": [{{"code", "name"}}]}}]}}. Change :meth:`parse` to read your provider's format; keep
yielding ``self.raw_item(...)``, which fills in the id, source and version every connector shares.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Iterator

from wirefeed.connectors.base import Connector, FeedError, FeedRef
from wirefeed.connectors.xml import parse_time


class {cls}(Connector):
    name = "{name}"
    # True when the provider's ids are unique worldwide (agency URNs), False when only within a feed.
    global_guids = False

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FeedError("parse", f"not {name} JSON: {{exc}}") from None
        if not isinstance(document, dict) or not isinstance(document.get("items"), list):
            raise FeedError("parse", "expected an object with an 'items' list")
        for entry in document["items"]:
            if not isinstance(entry, dict) or not entry.get("id"):
                raise FeedError("parse", "every item needs an 'id'")
            published = parse_time(entry.get("published"))
            yield self.raw_item(
                ref, fetched_at, guid=str(entry["id"]), version_time=published,
                title=entry.get("headline"), body=entry.get("body_html"), content_type="text/html",
                published_at=published, language=entry.get("language"),
                subjects=[{{"code": s["code"], "name": s.get("name")}} for s in entry.get("subjects", [])
                          if isinstance(s, dict) and s.get("code")])
'''

FIXTURE = '''{{
  "items": [
    {{"id": "{name}-0001", "headline": "Central bank holds rates steady", "language": "en",
     "published": "2026-11-03T10:00:00Z", "subjects": [{{"code": "medtop:04000000", "name": "economy"}}],
     "body_html": "<p>LONDON (Reuters) - The central bank kept its main rate unchanged on Tuesday.</p><p>Inflation fell for a third month.</p>"}},
    {{"id": "{name}-0002", "headline": "فوز المنتخب الوطني في تصفيات كأس آسيا", "language": "ar",
     "published": "2026-11-03T21:00:00+03:00",
     "body_html": "<p>عمان (بترا) - فاز المنتخب الوطني لكرة القدم على ضيفه بهدفين دون رد.</p>"}}
  ]
}}
'''

TEST = '''"""Tests for the {name} connector: the wirefeed contract kit, then this format's own fields."""
from pathlib import Path

from wirefeed.connectors.testing import check_connector
from wirefeed.enrich import enrich

from {module} import {cls}

FIXTURE = Path(__file__).parent / "fixtures" / "{name}-sample.json"


def test_contract():
    check_connector({cls}(), FIXTURE, min_items=2)


def test_fields_and_documents():
    first, second = check_connector({cls}(), FIXTURE)
    assert first["title"] == "Central bank holds rates steady"
    assert first["subjects"] == [{{"code": "medtop:04000000", "name": "economy"}}]
    doc = enrich(second)
    assert (doc["language"], doc["wire_agency"], doc["dateline"]) == ("ar", "Petra", "عمان")
'''


@dataclass(frozen=True)
class Scaffold:
    module: str
    cls: str
    files: list[Path]

    @property
    def entry_point(self) -> str:
        return f"{self.module}:{self.cls}"


def new_connector(name: str, directory: Path) -> Scaffold:
    if not _NAME.match(name):
        raise ValueError(f"connector names are lower-case words joined by '-', e.g. acme-wire (got {name!r})")
    module = name.replace("-", "_") + "_connector"
    cls = "".join(part.capitalize() for part in name.split("-")) + "Connector"
    files = {
        directory / f"{module}.py": MODULE.format(name=name, cls=cls, title=name.replace("-", " ").title()),
        directory / "fixtures" / f"{name}-sample.json": FIXTURE.format(name=name),
        directory / f"test_{module}.py": TEST.format(name=name, module=module, cls=cls),
    }
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise FileExistsError(f"will not overwrite {', '.join(existing)}")
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return Scaffold(module=module, cls=cls, files=list(files))
