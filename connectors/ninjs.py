"""IPTC ninjs (news in JSON), 1.x and 2.x: one item, a list of items, or {"items": [...]}."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Iterator

from wirefeed.connectors.base import Connector, FeedError, FeedRef
from wirefeed.connectors.xml import as_int, parse_time, pub_status


def _first_value(entries, *, prefer: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """ninjs 2.x lists (headlines, bodies, descriptions): the value of the preferred content type."""
    if not isinstance(entries, list):
        return None, None
    usable = [e for e in entries if isinstance(e, dict) and isinstance(e.get("value"), str) and e["value"].strip()]
    for kind in prefer:
        for entry in usable:
            if (entry.get("contenttype") or entry.get("content_type") or "text/plain") == kind:
                return entry["value"], kind
    return (usable[0]["value"], usable[0].get("contenttype") or "text/plain") if usable else (None, None)


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _subjects(item: dict) -> list[dict]:
    found = []
    for subject in item.get("subjects") or item.get("subject") or []:
        if not isinstance(subject, dict):
            continue
        code = _text(subject.get("code")) or _text(subject.get("uri")) or _text(subject.get("qcode"))
        if code:
            found.append({"code": code, "name": _text(subject.get("name")), "scheme": _text(subject.get("scheme"))})
    return found


def _names(entries) -> str | None:
    names = [_text(e.get("name")) for e in entries or [] if isinstance(e, dict)]
    return ", ".join(n for n in names if n) or None


class NinjsConnector(Connector):
    name = "ninjs"
    global_guids = True

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FeedError("parse", f"not ninjs: not UTF-8 JSON: {exc}") from None
        if isinstance(document, dict) and isinstance(document.get("items"), list):
            items = document["items"]
        elif isinstance(document, list):
            items = document
        elif isinstance(document, dict):
            items = [document]
        else:
            raise FeedError("parse", f"not ninjs: expected an object or a list, got {type(document).__name__}")
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise FeedError("parse", f"ninjs item {index} is a {type(item).__name__}, not an object")
            yield self._item(item, ref, fetched_at, index)

    def _item(self, item: dict, ref: FeedRef, fetched_at: datetime, index: int) -> dict:
        guid = _text(item.get("guid")) or _text(item.get("uri"))
        if not guid:
            raise FeedError("parse", f"ninjs item {index} has neither guid nor uri")
        headline = _text(item.get("headline")) or _text(_first_value(item.get("headlines"))[0])
        body, body_type = None, None
        for field_name, kind in (("body_html", "text/html"), ("body_xhtml", "text/html"), ("body_text", "text/plain")):
            if _text(item.get(field_name)):
                body, body_type = item[field_name], kind
                break
        if body is None:
            body, body_type = _first_value(item.get("bodies"), prefer=("text/html", "application/xhtml+xml",
                                                                       "text/plain"))
            body_type = "text/plain" if body_type == "text/plain" else "text/html"
        summary = _text(item.get("description_text")) or _text(item.get("description_html"))
        if summary is None:
            summary = _first_value(item.get("descriptions"), prefer=("text/plain", "text/html"))[0]
        version_created = parse_time(_text(item.get("versioncreated")))
        first_created = parse_time(_text(item.get("firstcreated")))
        located = item.get("located")
        return self.raw_item(
            ref, fetched_at, guid=guid, version_time=version_created or first_created,
            title=headline, summary=summary, body=body, content_type=body_type,
            url=_text(item.get("uri")) if str(item.get("uri", "")).startswith("http") else None,
            byline=_text(item.get("byline")) or _names(item.get("by")),
            credit=_text(item.get("copyrightholder")) or _text(item.get("copyrightnotice")),
            provider=_text(item.get("source")) or _text((item.get("provider") or {}).get("name")
                                                         if isinstance(item.get("provider"), dict) else None),
            dateline=_text(located) if isinstance(located, str) else None,
            urgency=as_int(item.get("urgency")), priority=as_int(item.get("priority")),
            revision=_text(str(item["version"])) if item.get("version") is not None else None,
            first_created=first_created, version_created=version_created,
            published_at=first_created or version_created, updated_at=version_created,
            embargo_until=parse_time(_text(item.get("embargoed"))),
            pub_status=pub_status(_text(item.get("pubstatus"))),
            language=(_text(item.get("language")) or "").split("-")[0].lower() or None,
            subjects=_subjects(item),
            authors=[n for n in (_text(a.get("name")) for a in item.get("authors") or [] if isinstance(a, dict)) if n])
