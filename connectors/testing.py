"""The connector contract kit: what every connector's test runs on its fixtures.

    from wirefeed.connectors.testing import check_connector

    def test_my_connector():
        items = check_connector(MyConnector(), "fixtures/sample.xml", min_items=2)
        assert items[0]["title"] == "..."

:func:`check_connector` reads the fixture twice, with two instances of the connector, and fails
with :class:`ContractError` (an AssertionError, so pytest shows it) naming the item and the rule:

1. every item validates against ``schemas/raw-item.v1.json``;
2. ids are stable: both runs give the same ids for the same items;
3. times are timezone-aware ISO 8601;
4. titles carry no markup (no tags, no entities);
5. the same fixture twice yields no new items: the second run's (id, version) pairs are all in the first's.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from wirefeed.connectors.base import Connector, FeedRef

TIME_FIELDS = ("published_at", "updated_at", "fetched_at", "first_created", "version_created", "embargo_until")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


class ContractError(AssertionError):
    """A connector broke the contract; the message says which item and which rule."""


def _read(connector: Connector, fixture: Path) -> list[dict]:
    return connector.items(FeedRef(location=str(fixture)))


def check_item(item: dict) -> None:
    """Rules 1, 3 and 4 for one item."""
    from wirefeed.enrich import Rejected, validate_raw

    label = item.get("id") or item.get("guid") or "(item without id)"
    try:
        validate_raw(item)
    except Rejected as exc:
        raise ContractError(f"{label}: does not validate against the raw-item schema: {exc.reason}") from None
    for name in TIME_FIELDS:
        value = item.get(name)
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ContractError(f"{label}: {name} {value!r} is not ISO 8601") from None
        if moment.tzinfo is None:
            raise ContractError(f"{label}: {name} {value!r} has no timezone")
    title = item.get("title") or ""
    if _MARKUP.search(title):
        raise ContractError(f"{label}: the title carries markup: {title!r}")


def check_connector(connector: Connector, fixture: str | Path, *, min_items: int = 1) -> list[dict]:
    """Run the whole contract on one fixture; returns the items of the first run."""
    fixture = Path(fixture)
    first = _read(connector, fixture)
    if len(first) < min_items:
        raise ContractError(f"{fixture.name}: expected at least {min_items} item(s), got {len(first)}")
    for item in first:
        check_item(item)
    second = _read(type(connector)(http=connector.http), fixture)
    first_ids = [item["id"] for item in first]
    second_ids = [item["id"] for item in second]
    if first_ids != second_ids:
        raise ContractError(f"{fixture.name}: ids are not stable across two runs: {first_ids} != {second_ids}")
    seen = {(item["id"], item.get("version")) for item in first}
    new = [item["id"] for item in second if (item["id"], item.get("version")) not in seen]
    if new:
        raise ContractError(f"{fixture.name}: the same fixture read twice yields new items: {new}")
    return first
