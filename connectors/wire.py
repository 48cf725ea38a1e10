"""One connector for a mixed delivery: it looks at each document and hands it to the parser of its
format (ninjs, JSON Feed, NewsML-G2, NewsML 1.2, NITF, RSS/Atom, Google News sitemap)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Iterator

from wirefeed.connectors.base import Connector, FeedError, FeedRef

_ROOT = re.compile(rb"<\s*(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]")
_BY_ROOT = {b"newsItem": "newsml-g2", b"newsMessage": "newsml-g2", b"packageItem": "newsml-g2",
            b"NewsML": "newsml-1.2", b"nitf": "nitf", b"rss": "rss", b"feed": "rss", b"RDF": "rss",
            b"urlset": "news-sitemap", b"sitemapindex": "news-sitemap"}
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/1')


def sniff(data: bytes) -> str:
    """The connector name for a document, from its first bytes."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "jsonfeed" if _JSON_FEED.search(data[:65536]) else "ninjs"
    for match in _ROOT.finditer(head):
        name = match.group(1)
        if name in (b"xml", b"DOCTYPE") or head[match.start():match.start() + 2] in (b"<?", b"<!"):
            continue
        if name in _BY_ROOT:
            return _BY_ROOT[name]
        raise FeedError("parse", f"unknown wire format: root element <{name.decode(errors='replace')}>")
    raise FeedError("parse", "unknown wire format: neither JSON nor an XML root element found")


class WireConnector(Connector):
    name = "wire"

    def __init__(self, http=None):
        super().__init__(http)
        self._parsers: dict[str, Connector] = {}  # a folder of files: look each format up once

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        from wirefeed.connectors import get_connector

        name = sniff(data)
        if name not in self._parsers:
            self._parsers[name] = get_connector(name, http=self.http)
        return self._parsers[name].parse(data, ref, fetched_at)
