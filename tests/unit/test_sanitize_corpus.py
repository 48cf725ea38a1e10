"""feedparser's 745 sanitiser cases: every file goes through the RSS connector and cleaning, and
nothing executable survives into an indexed document (wirefeed keeps text for display, no HTML)."""
import re
from datetime import datetime, timezone

import pytest

from tests.conftest import SHARED
from wirefeed.connectors import FeedError, FeedRef, get_connector
from wirefeed.enrich import Rejected, clean

SANITIZE = SHARED / "corpora" / "feedparser-tests" / "wellformed" / "sanitize"
UNSAFE = re.compile(r"<\s*/?\s*(script|style|iframe|object|embed|applet|meta|link|base|form)\b|javascript\s*:|"
                    r"vbscript\s*:|\bon[a-z]+\s*=|expression\s*\(|-moz-binding", re.IGNORECASE)


@pytest.mark.skipif(not SANITIZE.is_dir(), reason="../shared corpus not present")
def test_nothing_executable_survives_from_the_sanitiser_corpus():
    connector = get_connector("rss")
    files = sorted(SANITIZE.glob("*.xml"))
    assert len(files) >= 700
    documents = 0
    for path in files:
        try:
            items = list(connector.parse(path.read_bytes(), FeedRef(str(path)), datetime.now(timezone.utc)))
        except FeedError:
            continue
        for raw in items:
            try:
                doc = clean(raw)
            except Rejected:
                continue  # nothing visible left: nothing indexed
            documents += 1
            for name in ("title", "summary", "body"):
                found = UNSAFE.search(doc[name] or "")
                assert not found, f"{path.name}: {name} keeps {found.group()!r}: {doc[name][:200]!r}"
    assert documents > 150  # most cases leave nothing visible; these many keep text to check
