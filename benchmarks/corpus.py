"""Raw items for benchmarks: the bundled samples and the shared Arabic feed, copied with unique ids
and a unique closing sentence so no two items are exact duplicates."""
from __future__ import annotations

import copy
import itertools
from pathlib import Path

from wirefeed.connectors import FeedRef, get_connector
from wirefeed.enrich import item_id
from wirefeed.samples.serve import samples_dir

SHARED_FEED = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "feeds" / "arabic-syndication.xml"
_CLOSING = {"ar": "وهذا هو التقرير رقم {n}.", "en": "This is report number {n}.", "fr": "Ceci est le rapport numéro {n}."}


def seed_items() -> list[dict]:
    connector = get_connector("rss")
    paths = sorted(p for p in samples_dir().iterdir() if p.suffix in (".xml", ".atom"))
    if SHARED_FEED.exists():
        paths.append(SHARED_FEED)
    items = []
    for path in paths:
        items.extend(connector.items(FeedRef(location=str(path))))
    return items


def raw_items(count: int) -> list[dict]:
    seeds = seed_items()
    items = []
    for n, seed in zip(range(count), itertools.cycle(seeds)):
        item = copy.deepcopy(seed)
        item["guid"] = f"{seed['guid']}#{n}"
        item["id"] = item_id("rss", seed["source"]["feed_url"], item["guid"])
        closing = _CLOSING.get(item.get("language") or "en", _CLOSING["en"]).format(n=n)
        item["body"] = (item["body"] or "") + f"<p>{closing}</p>"
        items.append(item)
    return items


def text_of(raw: dict) -> str:
    """The text a language detector sees for an item (what plain langdetect gets in the baseline)."""
    from wirefeed.text.html import to_line

    return "\n".join(to_line(raw.get(k)) for k in ("title", "summary", "body") if raw.get(k))
