import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
ARABIC_FEED = SHARED / "fixtures" / "feeds" / "arabic-syndication.xml"


@pytest.fixture(scope="session")
def arabic_feed_raw_items():
    from wirefeed.connectors import FeedRef, get_connector

    return get_connector("rss").items(FeedRef(location=str(ARABIC_FEED)))


def read_jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
