"""Ingest: read each configured feed with its connector and publish raw items to Kafka.

A feed that cannot be fetched or parsed, and an item that fails the raw-item schema, each become a
dead letter with the reason; the other feeds and items still go through.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from wirefeed import deadletter, enrich, kafka_io
from wirefeed.config import Config
from wirefeed.connectors import FeedError, FeedRef, get_connector
from wirefeed.connectors.http import safe_url

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    feeds: int = 0
    failed_feeds: list[tuple[str, str]] = field(default_factory=list)
    published: int = 0
    rejected_items: int = 0

    @property
    def failures(self) -> int:
        return len(self.failed_feeds) + self.rejected_items


def read_feed(ref: FeedRef, config: Config) -> list[dict]:
    """Raw items of one feed; raises FeedError (never anything else) when the feed is unusable."""
    try:
        connector = get_connector(ref.connector, http=config.http)
    except KeyError as exc:
        raise FeedError("fetch", str(exc.args[0])) from None
    try:
        return connector.items(ref)
    except FeedError:
        raise
    except Exception as exc:  # noqa: BLE001 - a connector bug on one feed must not stop the others
        log.debug("connector %s failed on %s", ref.connector, safe_url(ref.location), exc_info=True)
        raise FeedError("parse", f"{type(exc).__name__}: {exc}") from None


def run_ingest(config: Config) -> IngestReport:
    kafka = config.kafka
    kafka_io.ensure_topics(kafka.bootstrap_servers, {kafka.raw_topic: kafka.partitions, kafka.deadletter_topic: 1})
    report = IngestReport()
    with kafka_io.JsonProducer(kafka.bootstrap_servers, client_id="wirefeed-ingest") as producer:
        for ref in config.feeds:
            report.feeds += 1
            where = safe_url(ref.location) if ref.is_remote else ref.location
            try:
                items = read_feed(ref, config)
            except FeedError as exc:
                log.warning("feed %s failed at %s: %s", where, exc.stage, exc.reason)
                report.failed_feeds.append((where, exc.reason))
                producer.send(kafka.deadletter_topic, deadletter.dead_letter(
                    exc.stage, exc.reason, {"feed": where, "name": ref.name, "connector": ref.connector},
                    error_type="FeedError", source=where))
                continue
            for raw in items:
                try:
                    enrich.validate_raw(raw)
                except enrich.Rejected as rejected:
                    report.rejected_items += 1
                    log.warning("item %s of %s rejected: %s", raw.get("id"), where, rejected.reason)
                    producer.send(kafka.deadletter_topic, deadletter.dead_letter(
                        rejected.stage, rejected.reason, raw, item_id=raw.get("id"), source=where))
                    continue
                producer.send(kafka.raw_topic, raw, key=raw["id"])
                report.published += 1
            log.info("feed %s: %d item(s)", where, len(items))
        producer.flush()
    return report
