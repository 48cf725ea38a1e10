"""Ingest: poll the configured feeds asynchronously and publish new or changed raw items to Kafka.

One pass (`wirefeed ingest --once`, for cron) polls every feed that is due; `--loop` keeps polling,
each feed at its own interval with jitter. Per-feed state (HTTP validators, item fingerprints) lives
in SQLite (`wirefeed.state`) and is written only after Kafka acknowledged the items, so a crash
re-sends rather than loses. A feed that cannot be fetched or parsed, and an item that fails the
raw-item schema, each become a dead letter with the reason; the rest goes through.
"""
from __future__ import annotations

import asyncio
import logging
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from wirefeed import deadletter, enrich, kafka_io
from wirefeed.config import Config
from wirefeed.connectors import FeedError, FeedRef, get_connector
from wirefeed.connectors.base import Polled
from wirefeed.connectors.http import AsyncFetcher, Validators, safe_url
from wirefeed.state import IngestState, changed_items

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    feeds: int = 0
    polled: int = 0
    not_due: int = 0
    not_modified: int = 0
    failed_feeds: list[tuple[str, str]] = field(default_factory=list)
    published: int = 0
    unchanged: int = 0
    rejected_items: int = 0

    @property
    def failures(self) -> int:
        return len(self.failed_feeds) + self.rejected_items


@dataclass
class _Outcome:
    ref: FeedRef
    polled: Polled | None = None
    error: FeedError | None = None


@dataclass
class _Pending:
    """What to record for one feed once Kafka acknowledged this poll's messages."""
    key: str
    validators: Validators | None
    next_due: float
    status: str
    rows: list[tuple] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    acknowledge: Callable[[], None] | None = None


def feed_key(ref: FeedRef) -> str:
    return f"{ref.connector}|{ref.location}"


def where(ref: FeedRef) -> str:
    return safe_url(ref.location) if ref.is_remote else ref.location


def read_feed(ref: FeedRef, config: Config) -> list[dict]:
    """Raw items of one feed, synchronously (for `wirefeed parse`); raises only FeedError."""
    try:
        connector = get_connector(ref.connector, http=config.http)
    except KeyError as exc:
        raise FeedError("fetch", str(exc.args[0])) from None
    try:
        return connector.items(ref)
    except FeedError:
        raise
    except Exception as exc:  # noqa: BLE001 - a connector bug on one feed must not stop the others
        log.debug("connector %s failed on %s", ref.connector, where(ref), exc_info=True)
        raise FeedError("parse", f"{type(exc).__name__}: {exc}") from None


def _connectors(refs, config: Config) -> dict[str, object]:
    """One connector per name for the whole pass (finding one scans the installed entry points),
    or the FeedError saying it is not installed."""
    found: dict[str, object] = {}
    for ref in refs:
        if ref.connector not in found:
            try:
                found[ref.connector] = get_connector(ref.connector, http=config.http)
            except KeyError as exc:
                found[ref.connector] = FeedError("fetch", str(exc.args[0]))
    return found


async def _poll(ref: FeedRef, connector, fetcher: AsyncFetcher, validators: Validators) -> _Outcome:
    if isinstance(connector, FeedError):
        return _Outcome(ref, error=connector)
    try:
        return _Outcome(ref, await connector.poll(ref, fetcher, validators))
    except FeedError as exc:
        return _Outcome(ref, error=exc)
    except Exception as exc:  # noqa: BLE001 - a connector bug on one feed must not stop the others
        log.debug("connector %s failed on %s", ref.connector, where(ref), exc_info=True)
        return _Outcome(ref, error=FeedError("parse", f"{type(exc).__name__}: {exc}"))


def next_due(ref: FeedRef, now: float) -> float:
    return now + ref.interval * (1 + random.uniform(-ref.jitter, ref.jitter))


async def _poll_due(config: Config, state: IngestState, producer: kafka_io.JsonProducer, report: IngestReport,
                    all_feeds: bool) -> list[_Pending]:
    now = time.time()
    due = []
    for ref in config.feeds:
        report.feeds += 1
        feed_state = state.feed(feed_key(ref))
        if all_feeds or feed_state.next_due <= now:
            due.append((ref, feed_state.validators))
        else:
            report.not_due += 1
    pending = []  # state to record once Kafka acknowledged
    kafka = config.kafka
    progress = Progress(len(due))
    async with AsyncFetcher(config.http) as fetcher:
        connectors = _connectors([ref for ref, _ in due], config)
        polls = [_poll(ref, connectors[ref.connector], fetcher, validators) for ref, validators in due]
        for task in asyncio.as_completed(polls):
            outcome = await task
            ref, key, polled = outcome.ref, feed_key(outcome.ref), outcome.polled
            report.polled += 1
            progress.step(report)
            if outcome.error is not None:
                _feed_failed(producer, kafka.deadletter_topic, report, ref, outcome.error)
                pending.append(_Pending(key, None, next_due(ref, time.time()), f"failed: {outcome.error.stage}"))
                continue
            for document, exc in polled.failures:  # one bad file of a delivery folder; the others go on
                _feed_failed(producer, kafka.deadletter_topic, report, ref, exc, document)
            if polled.not_modified:
                report.not_modified += 1
                pending.append(_Pending(key, polled.validators, next_due(ref, time.time()), "not-modified"))
                continue
            valid = []
            for raw in polled.items:
                try:
                    valid.append(enrich.validate_raw(raw))
                except enrich.Rejected as rejected:
                    report.rejected_items += 1
                    log.warning("item %s of %s rejected: %s", raw.get("id"), where(ref), rejected.reason)
                    producer.send(kafka.deadletter_topic, deadletter.dead_letter(
                        rejected.stage, rejected.reason, raw, item_id=raw.get("id"), source=where(ref)))
            publish, rows, unchanged = changed_items(valid, state.seen(key, [i["id"] for i in valid]))
            for raw in publish:
                producer.send(kafka.raw_topic, raw, key=raw["id"])
            report.published += len(publish)
            report.unchanged += len(unchanged)
            log.info("feed %s: %d item(s), %d new or changed", where(ref), len(polled.items), len(publish))
            pending.append(_Pending(key, polled.validators, next_due(ref, time.time()), "ok", rows, unchanged,
                                    polled.acknowledge))
    progress.done()
    return pending


class Progress:
    """A one-line progress bar on stderr, only when a person is watching (a terminal)."""

    def __init__(self, total: int, stream=None):
        import sys

        self.stream = stream or sys.stderr
        self.total = total
        self.shown = self.stream.isatty() and total > 1

    def step(self, report: IngestReport) -> None:
        if not self.shown:
            return
        width = 30
        filled = int(width * report.polled / self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {report.polled}/{self.total} feeds, "
                          f"{report.published} item(s) published, {len(report.failed_feeds)} failed ")
        self.stream.flush()

    def done(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _feed_failed(producer, topic: str, report: IngestReport, ref: FeedRef, exc: FeedError,
                 document: str | None = None) -> None:
    """A feed (or one document of it) that could not be fetched or parsed: a dead letter with the reason."""
    label = f"{where(ref)}/{document}" if document else where(ref)
    log.warning("feed %s failed at %s: %s", label, exc.stage, exc.reason)
    report.failed_feeds.append((label, exc.reason))
    payload = {"feed": where(ref), "name": ref.name, "connector": ref.connector}
    if document:
        payload["document"] = document
    producer.send(topic, deadletter.dead_letter(exc.stage, exc.reason, payload, error_type="FeedError",
                                                source=label))


def _open_state(config: Config) -> IngestState:
    if config.state.path:
        return IngestState(config.state.path)
    from wirefeed.deploy.local.services import Settings

    return IngestState(Path(Settings.from_env().home) / "state" / "ingest.sqlite")


def run_ingest(config: Config, *, all_feeds: bool = False) -> IngestReport:
    """One pass over the feeds that are due (every feed with ``all_feeds``)."""
    kafka = config.kafka
    kafka_io.ensure_topics(kafka.bootstrap_servers, {kafka.raw_topic: kafka.partitions, kafka.deadletter_topic: 1})
    report = IngestReport()
    state = _open_state(config)
    try:
        with kafka_io.JsonProducer(kafka.bootstrap_servers, client_id="wirefeed-ingest") as producer:
            pending = asyncio.run(_poll_due(config, state, producer, report, all_feeds))
            producer.flush()
        for done in pending:
            state.record(done.key, done.validators, done.next_due, done.status, done.rows)
            state.touch(done.key, done.unchanged)
            if done.acknowledge is not None:
                done.acknowledge()
        state.prune()
    finally:
        state.close()
    return report


def run_ingest_loop(config: Config, stop: threading.Event | None = None, max_sleep: float = 60.0) -> IngestReport:
    """Poll until SIGTERM or SIGINT (or ``stop``), each feed when it is due; returns the totals."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    total = IngestReport()
    while not stop.is_set():
        report = run_ingest(config)
        for name in ("polled", "not_modified", "published", "unchanged", "rejected_items"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        total.failed_feeds += report.failed_feeds
        if report.polled:
            log.info("poll: %d feed(s) polled, %d not modified, %d item(s) published, %d failed",
                     report.polled, report.not_modified, report.published, len(report.failed_feeds))
        state = _open_state(config)
        try:
            soonest = min((state.feed(feed_key(ref)).next_due for ref in config.feeds), default=time.time() + max_sleep)
        finally:
            state.close()
        stop.wait(min(max_sleep, max(1.0, soonest - time.time())))
    total.feeds = len(config.feeds)
    return total
