"""The connector interface: a small class that turns one feed reference into raw items.

A connector is found by name through the ``wirefeed.connectors`` entry-point group, so a package
outside this repository can add one. Override :meth:`parse`; :meth:`fetch` already reads local
paths, ``file://`` URLs and HTTP(S) URLs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import ClassVar, Iterator
from urllib.parse import urlparse

from wirefeed.connectors.http import HttpSettings, fetch_url


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

    @property
    def is_remote(self) -> bool:
        return urlparse(self.location).scheme in ("http", "https")


class Connector:
    name: ClassVar[str] = ""

    def __init__(self, http: HttpSettings | None = None):
        self.http = http or HttpSettings()

    def fetch(self, ref: FeedRef) -> bytes:
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
        return data

    def parse(self, data: bytes, ref: FeedRef, fetched_at: datetime) -> Iterator[dict]:
        raise NotImplementedError

    def items(self, ref: FeedRef) -> list[dict]:
        """Fetch and parse one feed. Raises FeedError; an empty list is a valid, empty feed."""
        data = self.fetch(ref)
        return list(self.parse(data, ref, datetime.now(timezone.utc)))
