"""IPTC NewsML-G2: a single newsItem, or a newsMessage whose itemSet holds several newsItems and
packageItems (packages carry no text: their references are recorded on the items they group)."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator
from xml.etree.ElementTree import Element

from wirefeed.connectors.base import Connector, FeedError, FeedRef
from wirefeed.connectors.nitf import nitf_fields
from wirefeed.connectors.xml import (XML_LANG, as_int, attr, child, children, descendants, local, paragraphs,
                                     parse_time, parse_xml, pub_status, text)

# Subjects that are topics; geoArea, organisation and person subjects are entities, not topics.
_TOPIC_SUBJECT_TYPES = {None, "cpnat:abstract"}


def _name(element: Element | None) -> str | None:
    qcode = attr(element, "qcode")
    return text(child(element, "name")) or attr(element, "literal") or (qcode.split(":", 1)[-1] if qcode else None)


def _body(content_set: Element | None) -> tuple[list[str], dict]:
    """Paragraphs from the first inline text rendition: NITF or XHTML (remote content has none)."""
    for inline in children(content_set, "inlineXML") + children(content_set, "inlineData"):
        nitf = next((node for node in inline.iter() if local(node.tag) == "nitf"), None)
        if nitf is not None:
            fields = nitf_fields(nitf)
            return fields["body_paragraphs"], fields
        html_body = next((node for node in inline.iter() if local(node.tag) == "body"), None)
        found = paragraphs(html_body if html_body is not None else inline)
        if not found and local(inline.tag) == "inlineData" and text(inline):
            found = [text(inline)]
        if found:
            return found, {}
    return [], {}


def news_item_fields(item: Element) -> dict:
    meta, content = child(item, "itemMeta"), child(item, "contentMeta")
    body, nitf = _body(child(item, "contentSet"))
    subjects = [{"code": attr(s, "qcode") or attr(s, "uri"), "name": text(child(s, "name")), "scheme": None}
                for s in children(content, "subject")
                if (attr(s, "qcode") or attr(s, "uri")) and attr(s, "type") in _TOPIC_SUBJECT_TYPES]
    for subject in subjects:
        subject["scheme"] = subject["code"].split(":", 1)[0] if ":" in subject["code"] else None
    creators = [_name(c) for c in children(content, "creator")]
    descriptions = children(content, "description")
    summary = next((text(d) for d in descriptions if attr(d, "role") in (None, "drol:summary")), None)
    language = attr(child(content, "language"), "tag") or attr(item, XML_LANG)
    version_created = parse_time(text(child(meta, "versionCreated")))
    return {
        "guid": attr(item, "guid"),
        "revision": attr(item, "version"),
        "title": text(child(content, "headline")) or nitf.get("title"),
        "summary": summary or nitf.get("summary"),
        "body": "\n\n".join(body) or None,
        "content_type": "text/plain",
        "byline": ", ".join(filter(None, creators)) or text(child(content, "by")) or nitf.get("byline"),
        "credit": text(child(content, "creditline")) or nitf.get("credit"),
        "provider": _name(child(meta, "provider")),
        "dateline": text(child(content, "dateline")) or nitf.get("dateline"),
        "urgency": as_int(text(child(content, "urgency"))),
        "first_created": parse_time(text(child(meta, "firstCreated"))),
        "version_created": version_created,
        "published_at": parse_time(text(child(meta, "firstCreated"))) or version_created,
        "updated_at": version_created,
        "embargo_until": parse_time(text(child(meta, "embargoed"))),
        "pub_status": pub_status(attr(child(meta, "pubStatus"), "qcode")),
        "language": (language or "").split("-")[0].lower() or None,
        "subjects": subjects,
        "categories": [text(k) for k in children(content, "keyword") if text(k)],
    }


class NewsMLG2Connector(Connector):
    name = "newsml-g2"
    global_guids = True

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        root = parse_xml(data)
        kind = local(root.tag)
        if kind in ("newsItem", "packageItem"):
            items = [root]
        elif kind == "newsMessage":
            items = list(child(root, "itemSet") or [])
        else:
            raise FeedError("parse", f"not NewsML-G2: the root element is <{kind}>, expected newsItem or newsMessage")
        packages: dict[str, list[str]] = {}
        for package in (i for i in items if local(i.tag) == "packageItem"):
            for ref_element in descendants(package, "itemRef"):
                target = attr(ref_element, "residref")
                if target and attr(package, "guid"):
                    packages.setdefault(target, []).append(attr(package, "guid"))
        for item in (i for i in items if local(i.tag) == "newsItem"):
            fields = news_item_fields(item)
            guid = fields.pop("guid")
            if not guid:
                raise FeedError("parse", "a newsItem has no guid attribute")
            raw = self.raw_item(ref, fetched_at, guid=guid, version_time=fields["version_created"], **fields)
            if guid in packages:
                raw["extra"]["packages"] = packages[guid]
            yield raw
