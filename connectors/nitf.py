"""IPTC NITF 3.x: one news item per document (PA, and the body inside NewsML envelopes)."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator
from xml.etree.ElementTree import Element

from wirefeed.connectors.base import Connector, FeedError, FeedRef
from wirefeed.connectors.xml import (XML_LANG, as_int, attr, child, children, descendants, local, paragraphs,
                                     parse_time, parse_xml, pub_status, text)


def nitf_fields(nitf: Element) -> dict:
    """The raw-item fields an NITF document carries (also used for NITF wrapped in NewsML)."""
    head, body = child(nitf, "head"), child(nitf, "body")
    docdata = child(head, "docdata")
    body_head = child(body, "body.head")
    byline = child(body_head, "byline")
    subjects = [{"code": attr(s, "tobject.subject.refnum"), "name": attr(s, "tobject.subject.type"),
                 "scheme": "iptc-subjectcode"}
                for s in descendants(child(head, "tobject"), "tobject.subject") if attr(s, "tobject.subject.refnum")]
    return {
        "title": text(child(body_head, "hedline/hl1")) or text(child(head, "title")),
        "summary": text(child(body_head, "abstract")),
        "body_paragraphs": paragraphs(child(body, "body.content")),
        "byline": " ".join(filter(None, [text(p) for p in children(byline, "person")])) or text(byline),
        "dateline": text(child(body_head, "dateline/location")) or text(child(body_head, "dateline")),
        "credit": attr(child(docdata, "doc.copyright"), "holder"),
        "provider": attr(child(docdata, "del-list/from-src"), "src-name"),
        "urgency": as_int(attr(child(docdata, "urgency"), "ed-urg")),
        "guid": attr(child(docdata, "doc-id"), "id-string"),
        "published_at": parse_time(attr(child(docdata, "date.issue"), "norm")),
        "embargo_until": parse_time(attr(child(docdata, "date.release"), "norm")),
        "pub_status": pub_status(attr(docdata, "management-status")),
        "language": (attr(nitf, XML_LANG) or "").split("-")[0].lower() or None,
        "subjects": subjects,
    }


class NitfConnector(Connector):
    name = "nitf"
    global_guids = True

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        root = parse_xml(data)
        if local(root.tag) != "nitf":
            raise FeedError("parse", f"not NITF: the root element is <{local(root.tag)}>, expected <nitf>")
        fields = nitf_fields(root)
        guid = fields.pop("guid") or fields["title"]
        if not guid:
            raise FeedError("parse", "NITF document without doc-id or headline: nothing to identify it by")
        body = fields.pop("body_paragraphs")
        yield self.raw_item(ref, fetched_at, guid=guid, version_time=fields["published_at"],
                            body="\n\n".join(body) or None, content_type="text/plain", **fields)
