"""Fuzzing every parser: whatever bytes arrive, a parser returns items or raises FeedError, nothing else.
Bounded (a fixed number of examples, derandomised) so the suite stays fast and repeatable."""
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ARABIC_FEED, SHARED
from wirefeed.connectors import FeedError, FeedRef, get_connector
from wirefeed.connectors.http import FetchResult, Validators

WIRE = SHARED / "fixtures" / "wire"
OURS = Path(__file__).parent / "fixtures"
SEEDS = {
    "rss": [ARABIC_FEED],
    "newsml-g2": [WIRE / "ap.xml", OURS / "g2-message-with-package.xml"],
    "newsml-1.2": [WIRE / "afp.xml"],
    "ninjs": [WIRE / "ninjs1.json", OURS / "ninjs2.json"],
    "nitf": [WIRE / "pa1.xml", OURS / "nitf-arabic-windows-1256.xml"],
    "jsonfeed": [OURS / "jsonfeed-1.1.json"],
    "news-sitemap": [OURS / "news-sitemap.xml"],
    "wire": [WIRE / "afp.xml", WIRE / "ninjs1.json"],
}
REF = FeedRef(location="fuzz")
NOW = datetime(2026, 11, 3, tzinfo=timezone.utc)


@st.composite
def mutated(draw, seeds):
    data = bytearray(draw(st.sampled_from(seeds)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["cut", "insert", "flip", "truncate"]))
        if action == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from([b"<", b">", b"&", b"\x00", b"\xff\xfe", b"<p>", b"]]>", b'"', b"{", b"]"]))
        elif action == "flip":
            data[at] = draw(st.integers(0, 255))
        else:
            data = data[:at]
    return bytes(data)


def parses_or_fails_cleanly(connector, data: bytes) -> None:
    try:
        items = list(connector.read(FetchResult(data, Validators()), REF, NOW))  # charset step included
    except FeedError:
        return
    for item in items:
        assert isinstance(item, dict) and item["id"]


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_fixtures(name):
    connector = get_connector(name)

    @settings(max_examples=200, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(SEEDS[name]))
    def run(data):
        parses_or_fails_cleanly(connector, data)

    run()


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_random_bytes(name):
    connector = get_connector(name)

    @settings(max_examples=100, deadline=None, derandomize=True, database=None)
    @given(st.binary(max_size=2048))
    def run(data):
        parses_or_fails_cleanly(connector, data)

    run()
