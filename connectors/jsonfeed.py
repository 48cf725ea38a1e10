"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).

feedparser 6.0 does not read JSON Feed, so this is its own small parser; the `rss` connector hands
JSON documents here, so a feed list need not know which kind a site serves.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Iterator

from wirefeed.connectors.base import Connector, FeedError, FeedRef
from wirefeed.connectors.xml import parse_time


def is_json_feed(document) -> bool:
    return isinstance(document, dict) and "jsonfeed.org/version/1" in str(document.get("version") or "")


def _str(value) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # 1.0 feeds in the wild send numeric ids
    return value.strip() if isinstance(value, str) and value.strip() else None


def _authors(item: dict, feed: dict) -> list[str]:
    found = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else None) \
        or feed.get("authors") or ([feed["author"]] if isinstance(feed.get("author"), dict) else [])
    return [name for name in (_str(a.get("name")) for a in found if isinstance(a, dict)) if name]


def _language(value) -> str | None:
    value = _str(value)
    return value.split("-")[0].lower() if value else None


class JsonFeedConnector(Connector):
    name = "jsonfeed"

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        try:
            feed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FeedError("parse", f"not valid JSON: {exc}") from None
        if not is_json_feed(feed):
            raise FeedError("parse", "not a JSON Feed: no 'version' naming https://jsonfeed.org/version/1.x")
        items = feed.get("items")
        if not isinstance(items, list):
            raise FeedError("parse", "JSON Feed without an 'items' list")
        feed_title = _str(feed.get("title"))
        feed_language = _language(feed.get("language"))
        for entry in items:
            if not isinstance(entry, dict):
                continue
            guid = _str(entry.get("id")) or _str(entry.get("url"))
            if guid is None:
                continue  # the spec makes id required; without it and a URL the item cannot be tracked
            html, text = _str(entry.get("content_html")), _str(entry.get("content_text"))
            published = parse_time(_str(entry.get("date_published")))
            updated = parse_time(_str(entry.get("date_modified")))
            yield self.raw_item(
                ref, fetched_at, guid=guid, feed_title=feed_title, version_time=updated or published,
                language=_language(entry.get("language")) or feed_language,
                url=_str(entry.get("url")) or _str(entry.get("external_url")), title=_str(entry.get("title")),
                summary=_str(entry.get("summary")), body=html or text,
                content_type="text/html" if html else "text/plain",
                published_at=published, updated_at=updated, authors=_authors(entry, feed),
                categories=[t for t in (_str(tag) for tag in entry.get("tags") or []) if t])
