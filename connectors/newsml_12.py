"""NewsML 1.2, as AFP delivers it: a NewsML envelope with NewsItems whose text is NITF."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator
from xml.etree.ElementTree import Element

from wirefeed.connectors.base import Connector, FeedError, FeedRef
from wirefeed.connectors.nitf import nitf_fields
from wirefeed.connectors.xml import (XML_LANG, as_int, attr, child, children, descendants, local, parse_time,
                                     parse_xml, pub_status, text)


def _formal(element: Element | None, path: str) -> str | None:
    return attr(child(element, path), "FormalName")


def _text_component(component: Element) -> tuple[Element | None, Element | None]:
    """The NewsLines and the text ContentItem, looking into nested NewsComponents (text-photo profiles)."""
    lines = child(component, "NewsLines")
    for item in descendants(component, "ContentItem"):
        if _formal(item, "MediaType") in (None, "Text"):
            nitf = next((node for node in item.iter() if local(node.tag) == "nitf"), None)
            if nitf is not None or text(child(item, "DataContent")):
                return lines if lines is not None else next(iter(descendants(component, "NewsLines")), None), item
    return lines, None


class NewsML12Connector(Connector):
    name = "newsml-1.2"
    global_guids = True

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        root = parse_xml(data)
        if local(root.tag) != "NewsML":
            raise FeedError("parse", f"not NewsML 1.2: the root element is <{local(root.tag)}>, expected <NewsML>")
        envelope_priority = as_int(_formal(root, "NewsEnvelope/Priority"))
        for item in children(root, "NewsItem"):
            yield self._item(item, ref, fetched_at, envelope_priority)

    def _item(self, item: Element, ref: FeedRef, fetched_at: datetime, priority: int | None) -> dict:
        identifier = child(item, "Identification/NewsIdentifier")
        provider_id = text(child(identifier, "ProviderId"))
        item_id = text(child(identifier, "NewsItemId"))
        if not item_id:
            raise FeedError("parse", "a NewsItem has no NewsItemId")
        # PublicIdentifier ends with the revision: the guid must not, so revisions share one id.
        guid = f"urn:newsml:{provider_id}:{text(child(identifier, 'DateId'))}:{item_id}"
        management = child(item, "NewsManagement")
        component = child(item, "NewsComponent")
        lines, content = _text_component(component) if component is not None else (None, None)
        nitf = next((node for node in content.iter() if local(node.tag) == "nitf"), None) if content is not None else None
        body = nitf_fields(nitf) if nitf is not None else {}
        paragraphs = body.get("body_paragraphs") or ([text(child(content, "DataContent"))] if content is not None
                                                      and text(child(content, "DataContent")) else [])
        described = child(component, "DescriptiveMetadata")
        codes = []
        for subject_code in descendants(described, "SubjectCode"):
            for subject in subject_code:
                code = attr(subject, "FormalName")
                if code:
                    codes.append({"code": code, "name": None, "scheme": "iptc-subjectcode"})
        first_created = parse_time(text(child(management, "FirstCreated")))
        revised = parse_time(text(child(management, "ThisRevisionCreated"))) or first_created
        language = _formal(described, "Language") or attr(item, XML_LANG)
        return self.raw_item(
            ref, fetched_at, guid=guid, version_time=revised,
            title=text(child(lines, "HeadLine")) or body.get("title"),
            summary=text(child(lines, "SubHeadLine")) or body.get("summary"),
            body="\n\n".join(paragraphs) or None, content_type="text/plain",
            byline=text(child(lines, "ByLine")) or body.get("byline"),
            credit=text(child(lines, "CreditLine")),
            provider=_formal(component, "AdministrativeMetadata/Provider/Party") or provider_id,
            dateline=text(child(lines, "DateLine")) or body.get("dateline"),
            urgency=as_int(_formal(management, "Urgency")), priority=priority,
            revision=text(child(identifier, "RevisionId")),
            first_created=first_created, version_created=revised, published_at=first_created, updated_at=revised,
            pub_status=pub_status(_formal(management, "Status")),
            language=(language or "").split("-")[0].lower() or None,
            subjects=codes,
            categories=[attr(p, "Value") for p in children(described, "Property")
                        if attr(p, "FormalName") == "Keyword" and attr(p, "Value")])
