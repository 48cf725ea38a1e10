"""Google News sitemaps: `<urlset>` with `<news:news>` entries (publication, date, title, keywords).

Many Arabic news sites publish one instead of RSS. An entry gives a headline and a link, no body.
Plain `<url>` entries without `<news:news>` are pages, not news, and are skipped.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from wirefeed.connectors.base import Connector, FeedError, FeedRef
from wirefeed.connectors.xml import child, children, local, parse_time, parse_xml, text


class NewsSitemapConnector(Connector):
    name = "news-sitemap"

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        root = parse_xml(data)
        kind = local(root.tag)
        if kind == "sitemapindex":
            children_ = [text(child(s, "loc")) for s in children(root, "sitemap")]
            raise FeedError("parse", "a sitemap index, not a news sitemap; configure its news sitemaps: "
                            + ", ".join(c for c in children_[:5] if c))
        if kind != "urlset":
            raise FeedError("parse", f"not a sitemap: root element <{kind}>")
        for url in children(root, "url"):
            news = child(url, "news")
            loc = text(child(url, "loc"))
            if news is None or not loc:
                continue
            publication = child(news, "publication")
            language = (text(child(publication, "language")) or "").split("-")[0].lower() or None
            published = parse_time(text(child(news, "publication_date")))
            keywords = [k.strip() for k in (text(child(news, "keywords")) or "").split(",") if k.strip()]
            tickers = text(child(news, "stock_tickers"))
            lastmod = parse_time(text(child(url, "lastmod")))
            yield self.raw_item(
                ref, fetched_at, guid=loc, feed_title=text(child(publication, "name")),
                version_time=lastmod or published, language=language, url=loc, title=text(child(news, "title")),
                published_at=published, updated_at=lastmod, categories=keywords,
                extra={"stock_tickers": tickers} if tickers else None)
