"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 feeds, parsed by feedparser (JSON Feed goes to its own parser)."""
from __future__ import annotations

import calendar
import hashlib
from datetime import datetime, timezone
from typing import Iterator

import feedparser

from wirefeed.connectors.base import Connector, FeedError, FeedRef, iso_utc

# Errors feedparser reports although the feed was read fine (a wrong charset label, a content type).
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _time(entry, *names) -> str | None:
    for name in names:
        parsed = entry.get(f"{name}_parsed")
        if parsed:
            try:
                return iso_utc(datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc))
            except (OverflowError, ValueError):
                continue
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
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):  # a site serving JSON Feed at its feed URL
            from wirefeed.connectors.jsonfeed import JsonFeedConnector

            yield from JsonFeedConnector(http=self.http).parse(data, ref, fetched_at)
            return
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
        if parsed.bozo and not isinstance(parsed.bozo_exception, _HARMLESS) and not parsed.entries:
            exc = parsed.bozo_exception
            raise FeedError("parse", f"not a readable feed: {type(exc).__name__}: {exc}")
        if not parsed.get("version") and not parsed.entries:
            raise FeedError("parse", "not an RSS or Atom feed (no channel or feed element found)")
        feed = parsed.get("feed") or {}
        feed_title = feed.get("title") or None
        feed_language = (feed.get("language") or "").split("-")[0].lower() or None
        for entry in parsed.entries:
            guid = entry.get("id") or entry.get("link") or entry.get("title")
            if not guid:
                guid = "untitled-" + hashlib.sha1((entry.get("summary") or "").encode()).hexdigest()[:16]
            body, body_type = _content(entry)
            summary = entry.get("summary")
            if body is None:
                summary_type = (entry.get("summary_detail") or {}).get("type")
                body, summary, body_type = summary, None, ("text/plain" if summary_type == "text/plain" else "text/html")
            published = _time(entry, "published", "updated", "created")
            updated = _time(entry, "updated", "published")
            yield self.raw_item(
                ref, fetched_at, guid=guid, feed_title=feed_title, version_time=updated or published,
                language=(entry.get("language") or "").split("-")[0].lower() or feed_language,
                url=entry.get("link"), title=entry.get("title"), summary=summary, body=body, content_type=body_type,
                published_at=published, updated_at=updated,
                authors=[a.get("name") for a in entry.get("authors", []) if a.get("name")],
                categories=[t.get("term") for t in entry.get("tags", []) if t.get("term")])
