"""The connector interface: a small class that turns one feed reference into raw items.

A connector is found by name through the ``wirefeed.connectors`` entry-point group, so a package
outside this repository can add one. Override :meth:`parse`; :meth:`fetch` already reads local
paths, ``file://`` URLs and HTTP(S) URLs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, ClassVar, Iterator
from urllib.parse import urlparse

from wirefeed.connectors.charset import to_utf8
from wirefeed.connectors.http import FetchResult, HttpSettings, Validators, fetch_url

RAW_SCHEMA_ID = "wirefeed.raw/v1"


def iso_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class FeedError(Exception):
    """A feed could not be read or parsed; ``stage`` is "fetch" or "parse"."""

    def __init__(self, stage: str, reason: str):
        super().__init__(reason)
        self.stage = stage
        self.reason = reason


@dataclass(frozen=True)
class FeedRef:
    """One feed as configured: where it is and what we know of it before reading it."""
    location: str
    name: str | None = None
    language: str | None = None
    connector: str = "rss"
    prefixes: tuple[str, ...] = ()
    options: dict = field(default_factory=dict, hash=False, compare=False)
    interval: float = 300.0   # seconds between polls in --loop mode and for --once "due" checks
    jitter: float = 0.1       # +-10 % on each interval, so feeds do not poll in step
    auth: dict | None = field(default=None, hash=False, compare=False)  # names env vars, never secrets
    languages: tuple[str, ...] = ()  # the languages the feed publishes in: detection chooses among them

    @property
    def is_remote(self) -> bool:
        return urlparse(self.location).scheme in ("http", "https")


@dataclass
class Polled:
    """What one poll of a feed gave: its items, or "not modified"; for sources of many documents (a
    delivery folder) the documents that failed while the others went through, and what to do once
    Kafka acknowledged everything (mark files done)."""
    items: list[dict] = field(default_factory=list)
    validators: Validators = Validators()
    not_modified: bool = False
    failures: list[tuple[str, FeedError]] = field(default_factory=list)
    acknowledge: Callable[[], None] | None = None


class Connector:
    name: ClassVar[str] = ""
    # RSS guids are only unique within their feed; agency guids (URNs) are unique worldwide, and a
    # correction or kill may arrive in another file or by another route: their ids ignore the location.
    global_guids: ClassVar[bool] = False

    def __init__(self, http: HttpSettings | None = None):
        self.http = http or HttpSettings()

    # Text formats get their bytes as UTF-8 whatever the source sent (see connectors/charset.py);
    # a connector for a binary format sets this to False.
    decode_text: ClassVar[bool] = True

    def fetch(self, ref: FeedRef) -> FetchResult:
        if ref.is_remote:
            return fetch_url(ref.location, self.http)
        parsed = urlparse(ref.location)
        path = Path(parsed.path if parsed.scheme == "file" else ref.location)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FeedError("fetch", exc.strerror or str(exc)) from None
        if len(data) > self.http.max_bytes:
            raise FeedError("fetch", f"file is {len(data)} bytes, over the {self.http.max_bytes}-byte cap")
        return FetchResult(data, Validators())

    async def fetch_async(self, ref: FeedRef, fetcher, validators: Validators) -> FetchResult:
        """The poller's fetch: conditional GET through the shared, rate-limited fetcher for URLs;
        local paths are read as they are. Override for a source that is neither."""
        if ref.is_remote:
            return await fetcher.fetch(ref.location, validators, ref.auth)
        return self.fetch(ref)

    async def poll(self, ref: FeedRef, fetcher, validators: Validators) -> Polled:
        """One poll by the ingest loop: fetch (conditionally) and parse. Raises FeedError for the feed."""
        result = await self.fetch_async(ref, fetcher, validators)
        if result.not_modified:
            return Polled(validators=result.validators, not_modified=True)
        return Polled(list(self.read(result, ref, datetime.now(timezone.utc))), result.validators)

    def read(self, result: FetchResult, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        """Parse a fetched document, its bytes first made UTF-8 (declared charset, else detected)."""
        data = to_utf8(result.body, result.charset) if self.decode_text else result.body
        return self.parse(data, ref, fetched_at)

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        """Raw items of one document. ``data`` is UTF-8 (with its XML declaration saying so)."""
        raise NotImplementedError

    def raw_item(self, ref: FeedRef, fetched_at: datetime, *, guid: str, feed_title: str | None = None,
                 version_time: str | None = None, language: str | None = None, **fields) -> dict:
        """A raw item with the envelope every connector shares: stable id, source, version, fetch time.
        ``fields`` are the raw-item fields the format provides (title, body, published_at, ...)."""
        from wirefeed.enrich import item_id

        version = 0
        if version_time:
            version = max(int(datetime.fromisoformat(version_time).timestamp() * 1000), 0)
        declared = ref.language or language
        item = {
            "schema": RAW_SCHEMA_ID,
            "id": item_id("wire", "", guid) if self.global_guids else item_id(self.name, ref.location, guid),
            "guid": guid,
            "version": version,
            "source": {"name": ref.name or feed_title or ref.location, "feed_url": ref.location,
                       "connector": self.name, "title": feed_title, "language": declared,
                       "prefixes": list(ref.prefixes), **({"languages": list(ref.languages)} if ref.languages else {})},
            "fetched_at": iso_utc(fetched_at),
            "language": language or declared,
            "extra": {},
        }
        item.update({k: v for k, v in fields.items() if v is not None and v != []})
        return item

    def items(self, ref: FeedRef) -> list[dict]:
        """Fetch and parse one feed. Raises FeedError; an empty list is a valid, empty feed."""
        return list(self.read(self.fetch(ref), ref, datetime.now(timezone.utc)))
