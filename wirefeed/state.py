"""Per-feed ingest state in a local SQLite database: HTTP validators, when each feed is next due,
and a fingerprint of every recent item, so a second run publishes only what is new or changed.

Why SQLite and not a compacted Kafka topic: the ingest poller is one process per machine (cron or
`--loop`), its state is small, and it must be read before a poll and written in one transaction after
Kafka acknowledged the items; a local database does both with no extra moving part. Losing it is
harmless: the next run re-publishes items with the same ids and versions, which the index absorbs.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from wirefeed.connectors.http import Validators

# Items not seen in a feed for this long are forgotten (feeds keep their last few days of items).
ITEM_RETENTION_SECONDS = 30 * 24 * 3600
_FINGERPRINT_SKIP = {"fetched_at", "version", "source"}


def fingerprint(raw: dict) -> str:
    content = {k: v for k, v in raw.items() if k not in _FINGERPRINT_SKIP}
    return hashlib.sha1(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FeedState:
    validators: Validators = Validators()
    next_due: float = 0.0
    last_status: str | None = None


@dataclass(frozen=True)
class Seen:
    fingerprint: str
    declared_version: int
    version: int


class IngestState:
    def __init__(self, path: str | Path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS feeds (
                feed_key TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,
                next_due REAL NOT NULL DEFAULT 0, last_polled REAL, last_status TEXT);
            CREATE TABLE IF NOT EXISTS items (
                feed_key TEXT NOT NULL, item_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
                declared_version INTEGER NOT NULL, version INTEGER NOT NULL, last_seen REAL NOT NULL,
                PRIMARY KEY (feed_key, item_id));
        """)

    def feed(self, key: str) -> FeedState:
        row = self.db.execute("SELECT etag, last_modified, next_due, last_status FROM feeds WHERE feed_key = ?",
                              (key,)).fetchone()
        if row is None:
            return FeedState()
        return FeedState(Validators(row[0], row[1]), row[2], row[3])

    def seen(self, key: str, item_ids: list[str]) -> dict[str, Seen]:
        found = {}
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start:start + 500]
            rows = self.db.execute(
                f"SELECT item_id, fingerprint, declared_version, version FROM items WHERE feed_key = ? "
                f"AND item_id IN ({','.join('?' * len(chunk))})", (key, *chunk))
            found.update({row[0]: Seen(row[1], row[2], row[3]) for row in rows})
        return found

    def record(self, key: str, validators: Validators | None, next_due: float, status: str,
               items: list[tuple[str, str, int, int]] = ()) -> None:
        """After Kafka acknowledged: the feed's validators and schedule, and the items now published
        as (item id, fingerprint, declared version, published version). One transaction."""
        now = time.time()
        with self.db:
            if validators is None:  # a failed poll keeps the validators it had
                self.db.execute(
                    "INSERT INTO feeds (feed_key, next_due, last_polled, last_status) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(feed_key) DO UPDATE SET next_due = excluded.next_due, "
                    "last_polled = excluded.last_polled, last_status = excluded.last_status",
                    (key, next_due, now, status))
            else:
                self.db.execute(
                    "INSERT INTO feeds VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(feed_key) DO UPDATE SET "
                    "etag = excluded.etag, last_modified = excluded.last_modified, next_due = excluded.next_due, "
                    "last_polled = excluded.last_polled, last_status = excluded.last_status",
                    (key, validators.etag, validators.last_modified, next_due, now, status))
            self.db.executemany(
                "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(feed_key, item_id) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, declared_version = excluded.declared_version, "
                "version = excluded.version, last_seen = excluded.last_seen",
                [(key, item_id, fp, declared, version, now) for item_id, fp, declared, version in items])

    def touch(self, key: str, item_ids: list[str]) -> None:
        """Items still in the feed but unchanged stay remembered."""
        with self.db:
            self.db.executemany("UPDATE items SET last_seen = ? WHERE feed_key = ? AND item_id = ?",
                                [(time.time(), key, item_id) for item_id in item_ids])

    def prune(self) -> int:
        with self.db:
            return self.db.execute("DELETE FROM items WHERE last_seen < ?",
                                   (time.time() - ITEM_RETENTION_SECONDS,)).rowcount

    def close(self) -> None:
        self.db.close()


def changed_items(items: list[dict], seen: dict[str, Seen]) -> tuple[list[dict], list[tuple], list[str]]:
    """Which items to publish: new ids, and known ids whose content changed in a version not older
    than the one already sent. Returns (items to publish, state rows to record, unchanged ids).

    A feed may list an item twice (an update above its first version): only the newest counts. An
    item edited in place without a new timestamp still becomes a new version (its version is bumped
    past the one published), and an older version re-sent is ignored."""
    newest: dict[str, dict] = {}
    for item in items:
        current = newest.get(item["id"])
        if current is None or (item.get("version") or 0) >= (current.get("version") or 0):
            newest[item["id"]] = item
    publish, rows, unchanged = [], [], []
    for item_id, item in newest.items():
        declared = item.get("version") or 0
        fp = fingerprint(item)
        before = seen.get(item_id)
        if before is not None:
            if before.fingerprint == fp or declared < before.declared_version:
                unchanged.append(item_id)
                continue
            if declared <= before.version:
                item = {**item, "version": before.version + 1}
        publish.append(item)
        rows.append((item_id, fp, declared, item.get("version") or 0))
    return publish, rows, unchanged
