"""Elasticsearch at the edge of the job: client, index template, bulk indexing, search."""
from __future__ import annotations

import copy
import hashlib
import logging
import os
import time
from dataclasses import dataclass, field

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from wirefeed.config import ElasticsearchConfig
from wirefeed.resources import schema

log = logging.getLogger(__name__)
TEMPLATE_FILE = "index-template.v1.json"


class ElasticsearchUnavailable(RuntimeError):
    """Elasticsearch could not be reached or kept refusing work (429/5xx); nothing was committed."""


def make_client(cfg: ElasticsearchConfig) -> Elasticsearch:
    """A client whose secrets come from the environment variables the config names, never the file."""
    kwargs = {"request_timeout": cfg.request_timeout, "max_retries": 3, "retry_on_timeout": True}
    if cfg.api_key_env:
        key = os.environ.get(cfg.api_key_env)
        if not key:
            raise ElasticsearchUnavailable(f"elasticsearch.api_key_env names {cfg.api_key_env}, which is not set")
        kwargs["api_key"] = key
    elif cfg.username_env:
        user, password = os.environ.get(cfg.username_env), os.environ.get(cfg.password_env or "")
        if not user or password is None:
            raise ElasticsearchUnavailable(
                f"elasticsearch.username_env/password_env name {cfg.username_env}/{cfg.password_env}, not both set")
        kwargs["basic_auth"] = (user, password)
    if cfg.ca_file:
        kwargs["ca_certs"] = cfg.ca_file
    return Elasticsearch(cfg.url, **kwargs)


def explain(exc: Exception, cfg: ElasticsearchConfig | None = None) -> str:
    """What went wrong talking to Elasticsearch, in words an operator can act on; never a secret."""
    from elastic_transport import TlsError
    from elasticsearch import AuthenticationException, AuthorizationException

    if isinstance(exc, AuthenticationException):
        names = (f"api_key_env={cfg.api_key_env}" if cfg and cfg.api_key_env else
                 f"username_env={cfg.username_env}, password_env={cfg.password_env}" if cfg and cfg.username_env else
                 "no credentials configured")
        return f"Elasticsearch refused the credentials (HTTP 401; {names}): check what those variables hold"
    if isinstance(exc, AuthorizationException):
        return f"the credentials lack a privilege for this request (HTTP 403): {getattr(exc, 'message', exc)}"
    text = str(exc)
    if isinstance(exc, TlsError) or "CERTIFICATE_VERIFY_FAILED" in text:
        return ("Elasticsearch's TLS certificate is not trusted: set elasticsearch.ca_file to the CA certificate "
                "that signed it" + (f" (now {cfg.ca_file})" if cfg and cfg.ca_file else ""))
    return text


def index_template(index: str) -> dict:
    template = copy.deepcopy(schema(TEMPLATE_FILE))
    template["index_patterns"] = [f"{index}*"]
    return template


def install_template(client: Elasticsearch, index: str) -> None:
    """Put the composable template for the index (idempotent) and create the index if missing."""
    template = index_template(index)
    try:
        client.indices.put_index_template(name=f"{index}-template", **template)
        if not client.indices.exists(index=index):
            client.indices.create(index=index)
    except ApiError as exc:
        if getattr(exc, "error", "") == "resource_already_exists_exception":
            return
        raise ElasticsearchUnavailable(f"installing the index template failed: {exc}") from None
    except TransportError as exc:
        raise ElasticsearchUnavailable(f"cannot reach Elasticsearch: {exc}") from None


@dataclass
class BulkOutcome:
    indexed: int = 0
    withdrawn: int = 0
    stale: int = 0
    rejected: list[tuple[dict, str]] = field(default_factory=list)


# Item failures that mean "this document is wrong" (dead letter) rather than "try again later".
_PERMANENT = {"mapper_parsing_exception", "document_parsing_exception", "illegal_argument_exception",
              "strict_dynamic_mapping_exception", "mapper_exception"}


def _withdrawn(doc: dict) -> bool:
    return doc.get("pub_status") in ("canceled", "withheld")


def _action(index: str, doc: dict, located: dict[str, str] | None = None) -> dict:
    """Index a document with the item's version as an external version, so an older copy never
    overwrites a newer one. A killed or withdrawn item is indexed too, as a tombstone without text
    (pub_status canceled/withheld): a delete's version is forgotten after index.gc_deletes (60 s), after
    which an old re-delivery would bring the story back; a tombstone keeps its version for good."""
    return {"_op_type": "index", "_index": (located or {}).get(doc["id"], index), "_id": doc["id"],
            "version": doc.get("version") or 0,
            "version_type": "external_gte", "_source": doc}


# What analysts search: never killed or withdrawn items.
USABLE = {"bool": {"must_not": [{"terms": {"pub_status": ["canceled", "withheld"]}}]}}


def story_candidates(client: Elasticsearch, index: str, docs: list[dict], window_days: float,
                     located: dict[str, str] | None = None) -> list[dict]:
    """Documents already indexed that may belong with these in a story: the same ids (earlier
    versions), documents sharing an LSH band key and published within the window, and the canonical
    documents of those. Elasticsearch is the fingerprint store every worker and every run shares."""
    bands = sorted({key for doc in docs for key in doc.get("story_bands") or []})
    ids = [doc["id"] for doc in docs]
    times = [doc.get("published_at") or doc.get("fetched_at") for doc in docs]
    earliest, latest = min(times), max(times)
    should = [{"ids": {"values": ids}}]
    if bands:
        should.append({"bool": {"filter": [
            {"terms": {"story_bands": bands}},
            {"range": {"@timestamp": {"gte": f"{earliest}||-{int(window_days * 24)}h",
                                      "lte": f"{latest}||+{int(window_days * 24)}h"}}},
            USABLE]}})
    try:
        found = _search_all(client, index, {"bool": {"should": should, "minimum_should_match": 1}}, located)
        canonicals = sorted({d["duplicate_of"] for d in found if d.get("duplicate_of")} - {d["id"] for d in found})
        if canonicals:
            found += _search_all(client, index, {"ids": {"values": canonicals}}, located)
    except TransportError as exc:
        raise ElasticsearchUnavailable(f"cannot reach Elasticsearch: {exc}") from None
    return found


def _search_all(client: Elasticsearch, index: str, query: dict, located: dict[str, str] | None = None,
                page: int = 1000, limit: int = 10000) -> list[dict]:
    found, after = [], None
    while len(found) < limit:
        response = client.search(index=index, size=page, query=query, ignore_unavailable=True,
                                 sort=[{"@timestamp": "asc"}, {"id": "asc"}], search_after=after)
        hits = response["hits"]["hits"]
        for hit in hits:
            found.append(hit["_source"])
            if located is not None:
                located[hit["_id"]] = hit["_index"]
        if len(hits) < page:
            break
        after = hits[-1]["sort"]
    return found


def boilerplate_index(index: str) -> str:
    """Where each source's recent item edges are kept (outside the documents' template pattern)."""
    return f"boilerplate-{index}"


def _source_key(feed_url: str) -> str:
    return hashlib.sha1(feed_url.encode("utf-8")).hexdigest()


def load_source_edges(client: Elasticsearch, index: str, feed_url: str, attempts: int = 8) -> list[dict]:
    """The source's remembered item edges. Another worker may have just created the boilerplate
    index: until its shard is active a read answers 503 (no_shard_available), so wait a little."""
    for attempt in range(attempts):
        try:
            found = client.options(ignore_status=404).get(index=boilerplate_index(index), id=_source_key(feed_url))
            break
        except TransportError as exc:
            raise ElasticsearchUnavailable(f"cannot reach Elasticsearch: {exc}") from None
        except ApiError as exc:
            if exc.meta.status != 503 or attempt == attempts - 1:
                raise ElasticsearchUnavailable(f"reading {boilerplate_index(index)} failed: {exc}") from None
            time.sleep(0.05 * 2 ** attempt)
    return (found.get("_source") or {}).get("samples", []) if found.get("found") else []


def save_source_edges(client: Elasticsearch, index: str, feed_url: str, samples: list[dict]) -> None:
    name = boilerplate_index(index)
    try:
        if not client.indices.exists(index=name):
            client.options(ignore_status=400).indices.create(
                index=name, mappings={"dynamic": False, "properties": {"feed_url": {"type": "keyword"}}})
        client.index(index=name, id=_source_key(feed_url), document={"feed_url": feed_url, "samples": samples})
    except TransportError as exc:
        raise ElasticsearchUnavailable(f"cannot reach Elasticsearch: {exc}") from None


def bulk_index(client: Elasticsearch, index: str, docs: list[dict], max_retries: int = 5,
               located: dict[str, str] | None = None) -> BulkOutcome:
    """Index documents with their id as _id and their version as an external version, so a re-run
    adds nothing and an older version never overwrites a newer one. Rejected documents come back
    with Elasticsearch's reason; 429s are retried with backoff and raise if they persist."""
    outcome = BulkOutcome()
    try:
        by_id = {d["id"]: d for d in docs}
        actions = (_action(index, d, located) for d in docs)
        for ok, item in helpers.streaming_bulk(client, actions, chunk_size=len(docs) or 1, raise_on_error=False,
                                               raise_on_exception=True, max_retries=max_retries,
                                               initial_backoff=1, max_backoff=30):
            result = item.get("index", {})
            if ok:
                if _withdrawn(by_id[result["_id"]]):
                    outcome.withdrawn += 1
                else:
                    outcome.indexed += 1
                continue
            error = result.get("error") or {}
            kind = error.get("type", "") if isinstance(error, dict) else ""
            if result.get("status") == 409:
                outcome.stale += 1  # a newer version is already indexed
            elif kind in _PERMANENT or 400 <= result.get("status", 500) < 429:
                reason = f"{kind}: {error.get('reason', error)}" if isinstance(error, dict) else str(error)
                caused = error.get("caused_by", {}) if isinstance(error, dict) else {}
                if caused.get("reason"):
                    reason += f" (caused by {caused.get('type')}: {caused['reason']})"
                outcome.rejected.append((by_id[result["_id"]], f"HTTP {result.get('status')} {reason}"))
            else:
                raise ElasticsearchUnavailable(
                    f"Elasticsearch kept failing document {result.get('_id')}: HTTP {result.get('status')} {error}")
    except TransportError as exc:
        raise ElasticsearchUnavailable(f"cannot reach Elasticsearch: {exc}") from None
    except ApiError as exc:
        if exc.status_code in (429, 500, 502, 503, 504):
            raise ElasticsearchUnavailable(f"Elasticsearch refused work: {exc}") from None
        raise
    return outcome


@dataclass
class SearchFilters:
    language: str | None = None
    source: str | None = None
    agency: str | None = None
    topic: str | None = None     # a topic code (medtop:...) or label
    since: str | None = None     # ISO date or date-time, or Elasticsearch date math (now-7d)
    until: str | None = None


def search_query(query: str, filters: SearchFilters = SearchFilters()) -> dict:
    """Words as written in title, summary and body, or as folded in the matching form (so diacritics,
    hamza forms, case and accents do not matter), all of them required; then the filters."""
    from wirefeed.text.normalize import matching_form

    # title.ar, body.fr, ...: the language sub-fields a cluster with language analyzers has (index install).
    should = [{"multi_match": {"query": query, "operator": "and",
                               "fields": ["title^3", "title.*^3", "summary^2", "summary.*^2", "body", "body.*"]}}]
    folded = matching_form(query)
    if folded:
        should.append({"match": {"match_text": {"query": folded, "operator": "and"}}})
    wanted = [USABLE]
    for field_name, value in (("language", filters.language), ("source.name", filters.source),
                              ("wire_agency", filters.agency)):
        if value:
            wanted.append({"term": {field_name: value}})
    if filters.topic:
        wanted.append({"bool": {"should": [{"term": {"topics.code": filters.topic}},
                                           {"term": {"topics.label": filters.topic}}], "minimum_should_match": 1}})
    if filters.since or filters.until:
        window = {k: v for k, v in (("gte", filters.since), ("lte", filters.until)) if v}
        wanted.append({"range": {"@timestamp": window}})
    return {"bool": {"should": should, "minimum_should_match": 1, "filter": wanted}}


_HIT_FIELDS = ["id", "title", "source.name", "language", "published_at", "topics", "wire_agency", "url", "story_id",
               "duplicate_of", "outlets", "copies"]


def search(client: Elasticsearch, index: str, query: str, size: int = 10, filters: SearchFilters = SearchFilters(),
           fold: bool = True) -> list[dict]:
    """Hits, one per story unless ``fold`` is off: the best-matching copy, how many copies matched,
    the outlets that carried it, and a highlighted snippet."""
    body = {"query": search_query(query, filters), "size": size, "_source": _HIT_FIELDS,
            # Any query word marks a passage (the search itself wants them all, but rarely in one field).
            "highlight": {"fields": {"title": {"number_of_fragments": 0}, "body": {"fragment_size": 160,
                                                                                    "number_of_fragments": 1}},
                          "highlight_query": {"multi_match": {"query": query, "fields": ["title", "body"]}},
                          "pre_tags": ["<em>"], "post_tags": ["</em>"]}}
    if fold:
        body["collapse"] = {"field": "story_id", "inner_hits": {
            "name": "copies", "size": 20, "_source": ["id", "source.name", "url"],
            "sort": [{"published_at": {"order": "asc", "missing": "_last"}}]}}
    response = client.search(index=index, **body)
    hits = []
    for hit in response["hits"]["hits"]:
        found = {"score": hit["_score"], **hit["_source"], "highlight": hit.get("highlight", {})}
        copies = hit.get("inner_hits", {}).get("copies", {}).get("hits", {})
        if copies:
            names = [c["_source"]["source"]["name"] for c in copies.get("hits", [])]
            found["matching_copies"] = copies.get("total", {}).get("value", len(names))
            found["outlets"] = sorted(set(names) | set(hit["_source"].get("outlets") or []))
        hits.append(found)
    return hits
