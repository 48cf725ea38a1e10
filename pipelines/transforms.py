"""The job's steps as composite PTransforms; each DoFn is a thin wrapper around a pure function.

An element moving through the job is an ``Item``: where it came from, the raw item as published,
and the document being built. Anything a step cannot take leaves on the ``dead`` output as a dead
letter, so one bad message never stops the rest.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Callable

import apache_beam as beam
from apache_beam.metrics import Metrics

from wirefeed import deadletter, enrich, kafka_io
from wirefeed.config import ElasticsearchConfig

DEAD = "dead"
NAMESPACE = "wirefeed"


@dataclass(frozen=True)
class Item:
    origin: str       # topic/partition/offset, for dead letters and logs
    offset: int
    raw: dict
    doc: dict | None = None
    index: str | None = None  # the concrete index holding an earlier version, behind a rolled-over alias
    position: tuple[int, int, int] | None = None  # streaming: (partition, offset, reader's position before it)


POSITION = "_position"  # on a dead letter in the streaming job, until it is published


def _dead(letter: dict, position) -> dict:
    """A dead letter that, in the streaming job, remembers which Kafka record it stands for."""
    if position is not None:
        letter[POSITION] = list(position)
    return letter


def send_dead_letter(producer: kafka_io.JsonProducer, topic: str, letter: dict) -> None:
    """Send a dead letter as the schema has it, without the streaming job's record position."""
    letter = {k: v for k, v in letter.items() if k != POSITION}
    producer.send(topic, letter, key=letter.get("item_id"))


def counter(name: str):
    return Metrics.counter(NAMESPACE, name)


# Reading -------------------------------------------------------------------------------------------

class ReadOffsetRange(beam.DoFn):
    """All records of one Kafka offset range."""

    def __init__(self, bootstrap: str):
        self.bootstrap = bootstrap
        self.records_read = counter("records_read")

    def process(self, offset_range: kafka_io.OffsetRange):
        for record in kafka_io.read_range(self.bootstrap, offset_range):
            self.records_read.inc()
            yield record


class ReadRawSnapshot(beam.PTransform):
    """The records of ``wirefeed.raw`` between the committed offsets and the end as of the job's start."""

    def __init__(self, bootstrap: str, ranges: list[kafka_io.OffsetRange]):
        super().__init__()
        self.bootstrap = bootstrap
        self.ranges = ranges

    def expand(self, pbegin):
        return (pbegin
                | "OffsetRanges" >> beam.Create(self.ranges)
                | "ReadRanges" >> beam.ParDo(ReadOffsetRange(self.bootstrap))
                | "SpreadOverWorkers" >> beam.Reshuffle())


class DecodeRawItem(beam.DoFn):
    """Kafka record -> Item, checking the raw-item schema at this stage boundary."""

    def process(self, record: dict):
        origin = f"{record['topic']}/{record['partition']}/{record['offset']}"
        position = (record["partition"], record["offset"], record["after"]) if "after" in record else None
        try:
            raw = json.loads(record["value"].decode("utf-8"))
        except (UnicodeDecodeError, ValueError, AttributeError) as exc:
            counter("deadletters").inc()
            yield beam.pvalue.TaggedOutput(DEAD, _dead(deadletter.dead_letter(
                "decode", f"not a JSON message: {exc}", record["value"] or b"", error_type=type(exc).__name__,
                item_id=record.get("key"), source=origin), position))
            return
        try:
            enrich.validate_raw(raw)
        except enrich.Rejected as exc:
            counter("deadletters").inc()
            yield beam.pvalue.TaggedOutput(DEAD, _dead(deadletter.dead_letter(
                exc.stage, exc.reason, raw, item_id=record.get("key"), source=origin), position))
            return
        counter("items_in").inc()
        yield Item(origin=origin, offset=record["offset"], raw=raw, position=position)


# Enriching -----------------------------------------------------------------------------------------

class ApplyStage(beam.DoFn):
    """Runs one pure stage function on the item's document (the raw item for the first stage)."""

    def __init__(self, stage: Callable[[dict], dict]):
        self.stage = stage
        self.passed = counter(f"{stage.__name__}_out")  # items out of each stage, for the per-stage view

    def process(self, item: Item):
        try:
            doc = self.stage(item.raw if item.doc is None else item.doc)
        except enrich.Rejected as exc:
            counter("deadletters").inc()
            yield beam.pvalue.TaggedOutput(DEAD, _dead(deadletter.dead_letter(
                exc.stage, exc.reason, item.raw, item_id=item.raw.get("id"), source=item.origin), item.position))
            return
        except Exception as exc:  # noqa: BLE001 - a bug on one item must not stop the job
            counter("deadletters").inc()
            yield beam.pvalue.TaggedOutput(DEAD, _dead(deadletter.dead_letter(
                self.stage.__name__, f"unexpected error: {type(exc).__name__}: {exc}", item.raw,
                error_type=type(exc).__name__, item_id=item.raw.get("id"), source=item.origin), item.position))
            return
        self.passed.inc()
        yield replace(item, doc=doc)


class EnrichItems(beam.PTransform):
    """Clean, tag language, tag topics and check the document schema: one named step per stage."""

    STEPS = (("Clean", enrich.clean), ("TagLanguage", enrich.tag_language), ("TagTopics", enrich.tag_topics),
             ("ValidateDocument", enrich.validate_document))

    def expand(self, items):
        dead = []
        for name, stage in self.STEPS:
            outputs = items | name >> beam.ParDo(ApplyStage(stage)).with_outputs(DEAD, main="items")
            items = outputs.items
            dead.append(outputs[DEAD])
        return {"items": items, DEAD: dead | "EnrichDeadLetters" >> beam.Flatten()}


# Source boilerplate -------------------------------------------------------------------------------

class ElasticsearchDoFn(beam.DoFn):
    """A step that talks to Elasticsearch: one client per DoFn instance, made at setup (or on first
    use) and closed at teardown; an instance used again after a teardown makes a new one."""

    def __init__(self, es: ElasticsearchConfig):
        self.es = es
        self._client = None

    def client(self):
        # A method, not a property: Beam looks at a DoFn's attributes when it builds the pipeline.
        if self._client is None:
            from wirefeed.es_io import make_client

            self._client = make_client(self.es)
        return self._client

    def setup(self):
        self.client()  # a bad configuration fails here, before the first element

    def teardown(self):
        client, self._client = self._client, None
        if client is not None:
            client.close()


def strip_source_boilerplate(client, index: str, feed_url: str, items: list[Item]) -> list[Item]:
    """For one source: learn the prefix and lines on most of its recent items (these and those
    remembered in Elasticsearch), strip them, remember these items' edges."""
    from wirefeed.es_io import load_source_edges, save_source_edges
    from wirefeed.text.boilerplate import RECENT, Edges, edges, learn, strip_learned

    current = {item.doc["id"]: edges(item.doc) for item in items if not enrich.is_withdrawn(item.doc)}
    remembered = [Edges.from_json(e) for e in load_source_edges(client, index, feed_url)]
    samples = list(current.values()) + [e for e in remembered if e.item_id not in current]
    learned = learn(samples[:RECENT])
    stripped = []
    for item in items:
        doc, removed = strip_learned(item.doc, learned)
        if removed:
            counter("boilerplate_stripped").inc()
        stripped.append(replace(item, doc=doc))
    if current:
        save_source_edges(client, index, feed_url, [e.to_json() for e in samples[:RECENT]])
    return stripped


class StripSourceBoilerplate(ElasticsearchDoFn):
    def process(self, keyed):
        feed_url, items = keyed
        yield from strip_source_boilerplate(self.client(), self.es.index, feed_url, list(items))


class StripLearnedBoilerplate(beam.PTransform):
    def __init__(self, es: ElasticsearchConfig):
        super().__init__()
        self.es = es

    def expand(self, items):
        return (items
                | "KeyBySource" >> beam.Map(lambda item: (item.doc["source"]["feed_url"], item))
                | "GroupBySource" >> beam.GroupByKey()
                | "LearnAndStrip" >> beam.ParDo(StripSourceBoilerplate(self.es)))


# Versions and stories -----------------------------------------------------------------------------

def _latest(items):
    return max(items, key=lambda item: enrich.version_order(item.doc, item.offset), default=None)


def latest_versions(items) -> list[Item]:
    """The latest version of each item id among the items."""
    latest: dict[str, Item] = {}
    for item in items:
        seen = latest.get(item.doc["id"])
        latest[item.doc["id"]] = item if seen is None else _latest([seen, item])
    return list(latest.values())


def assign_stories(client, es: ElasticsearchConfig, items: list[Item]) -> list[Item]:
    """Places each document in its story, batch by batch: copies found among these documents and,
    through their LSH band keys, among those Elasticsearch holds in the window. Canonical documents
    indexed earlier whose outlets grew come out too, to be written again."""
    from wirefeed.es_io import story_candidates
    from wirefeed.stories import StoryIndex, fingerprint, fold

    items = sorted(items, key=lambda item: (item.doc.get("published_at") or "9999", item.doc["id"]))
    index = StoryIndex()
    located: dict[str, str] = {}  # id -> concrete index of documents already indexed
    final: dict[str, Item] = {}  # handed on only at the end: a canonical may still gain outlets
    for start in range(0, len(items), es.bulk_size):
        batch = items[start:start + es.bulk_size]
        prints = {item.doc["id"]: fingerprint(item.doc) for item in batch}
        probes = [{**item.doc, "story_bands": list(prints[item.doc["id"]].bands)} for item in batch]
        for doc in story_candidates(client, es.index, probes, es.story_window_days, located):
            index.add_document(doc)
        docs, touched = fold([item.doc for item in batch], index, prints)
        by_id = {item.doc["id"]: item for item in batch}
        for doc in docs:
            final[doc["id"]] = replace(by_id[doc["id"]], doc=doc)
        for doc in touched:
            if doc["id"] in final:
                final[doc["id"]] = replace(final[doc["id"]], doc=doc)
            else:  # an earlier run's canonical, with the outlets this run added
                counter("stories_grown").inc()
                final[doc["id"]] = Item(origin="story-update", offset=-1, raw={"id": doc["id"]}, doc=doc)
    placed = []
    for item in final.values():
        if item.doc["duplicate_of"]:
            counter("story_copies").inc()
        placed.append(replace(item, index=located.get(item.doc["id"])))
    return placed


class AssignStories(ElasticsearchDoFn):
    """All documents come here under one key, so two copies read by different workers still meet;
    fingerprints are cheap next to enrichment, so this one step does not hold the job back."""

    def process(self, keyed):
        _, items = keyed
        yield from assign_stories(self.client(), self.es, list(items))


class FoldStories(beam.PTransform):
    """The latest version of each item id, then every document placed in its story."""

    def __init__(self, es: ElasticsearchConfig):
        super().__init__()
        self.es = es

    def expand(self, items):
        return (items
                | "KeyById" >> beam.Map(lambda item: (item.doc["id"], item))
                | "LatestVersion" >> beam.CombinePerKey(_latest)
                | "DropIds" >> beam.Values()
                | "OneKey" >> beam.Map(lambda item: (None, item))
                | "GatherForStories" >> beam.GroupByKey()
                | "AssignStories" >> beam.ParDo(AssignStories(self.es)))


# Writing -------------------------------------------------------------------------------------------

class BulkIndex(ElasticsearchDoFn):
    """One bulk request per batch; documents Elasticsearch rejects leave as dead letters."""

    def process(self, batch: list[Item]):
        for letter in index_batch(self.client(), self.es, batch):
            yield beam.pvalue.TaggedOutput(DEAD, letter)


def index_batch(client, es: ElasticsearchConfig, batch: list[Item]) -> list[dict]:
    """One bulk request; the dead letters of the documents Elasticsearch rejects."""
    from wirefeed.es_io import bulk_index

    by_id = {item.doc["id"]: item for item in batch}
    located = {item.doc["id"]: item.index for item in batch if item.index}
    outcome = bulk_index(client, es.index, [item.doc for item in batch], es.max_retries, located)
    counter("indexed").inc(outcome.indexed)
    counter("withdrawn").inc(outcome.withdrawn)
    counter("stale_versions").inc(outcome.stale)
    letters = []
    for doc, reason in outcome.rejected:
        counter("deadletters").inc()
        item = by_id[doc["id"]]
        letters.append(_dead(deadletter.dead_letter("index", reason, item.raw, error_type="ElasticsearchRejected",
                                                    item_id=doc["id"], source=item.origin), item.position))
    return letters


class IndexDocuments(beam.PTransform):
    def __init__(self, es: ElasticsearchConfig):
        super().__init__()
        self.es = es

    def expand(self, items):
        outputs = (items
                   | "Batch" >> beam.BatchElements(min_batch_size=1, max_batch_size=self.es.bulk_size)
                   | "BulkIndex" >> beam.ParDo(BulkIndex(self.es)).with_outputs(DEAD, main="indexed"))
        return outputs[DEAD]


class PublishDeadLetters(beam.DoFn):
    """Sends dead letters to Kafka; a bundle ends only once the broker acknowledged them."""

    def __init__(self, bootstrap: str, topic: str):
        self.bootstrap = bootstrap
        self.topic = topic
        self.producer = None

    def setup(self):
        self.producer = kafka_io.JsonProducer(self.bootstrap, client_id="wirefeed-deadletters")

    def process(self, letter: dict):
        send_dead_letter(self.producer, self.topic, letter)

    def finish_bundle(self):
        self.producer.flush()

    def teardown(self):
        if self.producer is not None:
            self.producer.close()


class WriteDeadLetters(beam.PTransform):
    def __init__(self, bootstrap: str, topic: str):
        super().__init__()
        self.bootstrap = bootstrap
        self.topic = topic

    def expand(self, letters):
        return letters | "Publish" >> beam.ParDo(PublishDeadLetters(self.bootstrap, self.topic))
