"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 feeds, parsed by feedparser."""
from __future__ import annotations

import calendar
import hashlib
from datetime import datetime, timezone
from typing import Iterator

import feedparser

from wirefeed.connectors.base import Connector, FeedError, FeedRef
from wirefeed.enrich import RAW_SCHEMA_ID, item_id

# Errors feedparser reports although the feed was read fine (a wrong charset label, a content type).
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _time(entry, *names) -> str | None:
    for name in names:
        parsed = entry.get(f"{name}_parsed")
        if parsed:
            try:
                moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
            except (OverflowError, ValueError):
                continue
            return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    return None


def _content(entry) -> tuple[str | None, str | None]:
    for content in entry.get("content") or []:
        value = content.get("value")
        if value and value.strip():
            kind = content.get("type", "text/html")
            return value, ("text/plain" if kind == "text/plain" else "text/html")
    return None, None


class RssConnector(Connector):
    name = "rss"

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
        if parsed.bozo and not isinstance(parsed.bozo_exception, _HARMLESS) and not parsed.entries:
            exc = parsed.bozo_exception
            raise FeedError("parse", f"not a readable feed: {type(exc).__name__}: {exc}")
        if not parsed.version and not parsed.entries:
            raise FeedError("parse", "not an RSS or Atom feed (no channel or feed element found)")
        feed = parsed.feed
        feed_title = feed.get("title") or None
        language = ref.language or (feed.get("language") or "").split("-")[0].lower() or None
        source = {"name": ref.name or feed_title or ref.location, "feed_url": ref.location,
                  "connector": self.name, "title": feed_title, "language": language,
                  "prefixes": list(ref.prefixes)}
        fetched = fetched_at.isoformat(timespec="seconds").replace("+00:00", "Z")
        for entry in parsed.entries:
            guid = entry.get("id") or entry.get("link") or entry.get("title")
            if not guid:
                guid = "untitled-" + hashlib.sha1((entry.get("summary") or "").encode()).hexdigest()[:16]
            body, body_type = _content(entry)
            summary = entry.get("summary")
            summary_detail = entry.get("summary_detail") or {}
            if body is None:
                body_type = "text/plain" if summary_detail.get("type") == "text/plain" else "text/html"
            published = _time(entry, "published", "updated", "created")
            updated = _time(entry, "updated", "published")
            version_time = updated or published
            version = int(datetime.fromisoformat(version_time).timestamp() * 1000) if version_time else 0
            yield {
                "schema": RAW_SCHEMA_ID,
                "id": item_id(self.name, ref.location, guid),
                "guid": guid,
                "version": max(version, 0),
                "source": source,
                "url": entry.get("link"),
                "title": entry.get("title"),
                "summary": summary if body is not None else None,
                "body": body if body is not None else summary,
                "content_type": body_type,
                "language": (entry.get("language") or language),
                "published_at": published,
                "updated_at": updated,
                "fetched_at": fetched,
                "authors": [a.get("name") for a in entry.get("authors", []) if a.get("name")],
                "categories": [t.get("term") for t in entry.get("tags", []) if t.get("term")],
                "extra": {},
            }
