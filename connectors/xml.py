"""Safe, namespace-blind XML reading for the wire formats.

Agency XML is parsed with defusedxml: entity declarations (billion laughs) and external references
(XXE, network or file access) are refused, never expanded. Wire formats mix namespaces freely
(NewsML-G2 wrapping NITF), so lookups here match local names only.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from wirefeed.connectors.base import FeedError, iso_utc

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_xml(data: bytes) -> Element:
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError("parse", f"refused unsafe XML: {type(exc).__name__}: {exc}") from None
    except ParseError as exc:
        raise FeedError("parse", f"not well-formed XML: {exc}") from None
    except (ValueError, LookupError) as exc:  # e.g. an unknown encoding in the XML declaration
        raise FeedError("parse", f"unreadable XML: {exc}") from None


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [child for child in element if local(child.tag) == name]


def child(element: Element | None, path: str) -> Element | None:
    """The first element along a slash-separated path of local names."""
    current = element
    for name in path.split("/"):
        found = children(current, name)
        if not found:
            return None
        current = found[0]
    return current


def descendants(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [node for node in element.iter() if local(node.tag) == name]


def text(element: Element | None) -> str | None:
    """All text inside an element, whitespace collapsed; None when there is none."""
    if element is None:
        return None
    value = " ".join("".join(element.itertext()).split())
    return value or None


def attr(element: Element | None, name: str) -> str | None:
    if element is None:
        return None
    value = element.get(name)
    return value.strip() if value and value.strip() else None


_BLOCKS = {"p", "hl2", "hl3", "hl4", "li", "pre", "h1", "h2", "h3", "h4", "blockquote"}


def paragraphs(body: Element | None) -> list[str]:
    """Paragraph texts of an NITF body.content or XHTML body, in order; nested blocks are not doubled."""
    if body is None:
        return []
    found: list[str] = []

    def walk(node: Element) -> None:
        for item in node:
            if local(item.tag) in _BLOCKS:
                value = text(item)
                if value:
                    found.append(value)
            else:
                walk(item)
    walk(body)
    return found


_COMPACT = re.compile(r"^(\d{8})T(\d{6})(Z|[+-]\d{4})?$")


def parse_time(value: str | None) -> str | None:
    """ISO 8601 in its extended ("2016-10-21T16:25:32-05:00") or basic ("20140829T134951+0000") form,
    as UTC; None when absent or unreadable (a bad date must not lose the item)."""
    if not value:
        return None
    value = value.strip()
    compact = _COMPACT.match(value)
    try:
        if compact:
            date, clock, zone = compact.groups()
            zone = "+0000" if zone in (None, "Z") else zone
            moment = datetime.strptime(f"{date}{clock}{zone}", "%Y%m%d%H%M%S%z")
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return iso_utc(moment)


def as_int(value: str | int | None, low: int = 0, high: int = 9) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def pub_status(value: str | None) -> str | None:
    """usable, withheld or canceled from any format's spelling (stat:canceled, Canceled, kill, ...)."""
    if not value:
        return None
    word = value.rsplit(":", 1)[-1].strip().lower()
    if word in ("canceled", "cancelled", "kill", "killed", "deleted"):
        return "canceled"
    if word in ("withheld", "withdrawn", "embargoed-withheld"):
        return "withheld"
    return "usable"
