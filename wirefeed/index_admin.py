"""The index analysts search: a write alias over versioned, rolled-over indices.

``elasticsearch.index`` (default ``wirefeed-docs``) names an alias. Behind it are concrete indices
``<alias>-v<mapping version>-<000001>``: the template's version is the mapping version, and
rollover starts a new generation when the current one is old or big enough. Clusters with ILM get
the shipped policy (``schemas/ilm-policy.v1.json``) and roll over by themselves; clusters without
it (the local node) roll over when ``wirefeed index rollover`` runs, which the scheduled job does at
the end of every run. ``migrate`` copies every document into indices of the current mapping
version (client-side: the local node has no reindex module) and moves the alias in one step.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

from wirefeed.es_io import ElasticsearchUnavailable, index_template
from wirefeed.resources import schema

log = logging.getLogger(__name__)
ILM_POLICY_FILE = "ilm-policy.v1.json"
ROLLOVER = {"max_age": "30d", "max_primary_shard_size": "25gb", "max_docs": 20_000_000}


def mapping_version() -> int:
    return int(schema("index-template.v1.json")["version"])


def first_index(alias: str, version: int | None = None) -> str:
    return f"{alias}-v{version or mapping_version()}-000001"


def has_ilm(client: Elasticsearch) -> bool:
    try:
        client.ilm.get_status()
        return True
    except (ApiError, NotFoundError):
        return False


def alias_indices(client: Elasticsearch, alias: str) -> dict[str, bool]:
    """Concrete index -> is it the write index, for the alias; {} when there is no such alias."""
    try:
        found = client.indices.get_alias(name=alias)
    except NotFoundError:
        return {}
    return {index: bool(spec["aliases"][alias].get("is_write_index", len(found) == 1)) for index, spec in found.items()}


@dataclass
class InstallReport:
    alias: str
    write_index: str
    created: bool
    ilm: bool
    warnings: list[str]


def put_template(client: Elasticsearch, alias: str) -> tuple[bool, list[str]]:
    """The alias's template for this cluster: with the ILM policy where it has ILM, with language
    sub-fields for the analyzers it has. Returns (has ILM, warnings)."""
    warnings = []
    template = index_template(alias)
    template["index_patterns"] = [f"{alias}-v*"]
    ilm = has_ilm(client)
    if ilm:
        client.ilm.put_lifecycle(name=f"{alias}-policy", policy=schema(ILM_POLICY_FILE)["policy"])
        template["template"]["settings"] = {**template["template"].get("settings", {}),
                                            "index.lifecycle.name": f"{alias}-policy",
                                            "index.lifecycle.rollover_alias": alias}
    else:
        warnings.append("this cluster has no ILM: run `wirefeed index rollover` on a schedule (the job does "
                        "it after every run) and delete old generations yourself")
    analyzers = available_analyzers(client)
    warnings += missing_analyzers(client, analyzers)
    client.indices.put_index_template(name=f"{alias}-template", **with_language_fields(template, analyzers))
    return ilm, warnings


def install(client: Elasticsearch, alias: str) -> InstallReport:
    """Template, ILM policy where the cluster has ILM, and the first index behind the alias. Idempotent."""
    ilm, warnings = put_template(client, alias)
    current = alias_indices(client, alias)
    if current:
        write = next((i for i, w in current.items() if w), sorted(current)[-1])
        return InstallReport(alias, write, False, ilm, warnings)
    if client.indices.exists(index=alias):
        raise ElasticsearchUnavailable(
            f"{alias} is a concrete index, not an alias (made by an earlier wirefeed): run `wirefeed index migrate`")
    name = first_index(alias)
    client.indices.create(index=name, aliases={alias: {"is_write_index": True}})
    return InstallReport(alias, name, True, ilm, warnings)


LANGUAGE_ANALYZERS = {"ar": "arabic", "en": "english", "fr": "french", "de": "german", "es": "spanish",
                      "pt": "portuguese"}
TEXT_FIELDS = ("title", "summary", "body")


def available_analyzers(client: Elasticsearch) -> dict[str, str]:
    """Language code -> analyzer, for the language analyzers this cluster has."""
    found = {}
    for code, analyzer in LANGUAGE_ANALYZERS.items():
        try:
            client.indices.analyze(analyzer=analyzer, text="test")
            found[code] = analyzer
        except ApiError:
            pass
    return found


def with_language_fields(template: dict, analyzers: dict[str, str]) -> dict:
    """title, summary and body each get a sub-field per available language analyzer (title.ar, ...):
    search queries them beside the standard-analysed field, so stems and stop words count."""
    if not analyzers:
        return template
    properties = template["template"]["mappings"]["properties"]
    for name in TEXT_FIELDS:
        properties[name] = {**properties[name], "fields": {
            code: {"type": "text", "analyzer": analyzer} for code, analyzer in sorted(analyzers.items())}}
    return template


def missing_analyzers(client: Elasticsearch, analyzers: dict[str, str] | None = None) -> list[str]:
    """A warning naming the language analyzers the cluster lacks (the mapping then relies on match_text)."""
    analyzers = available_analyzers(client) if analyzers is None else analyzers
    missing = [analyzer for code, analyzer in LANGUAGE_ANALYZERS.items() if code not in analyzers]
    if missing:
        return [f"no {', '.join(missing)} analyzer(s) on this cluster (the analysis-common module is missing?): "
                "those languages are analysed with `standard` only, and folded matching goes through `match_text`"]
    return []


def rollover(client: Elasticsearch, alias: str, conditions: dict | None = None) -> dict:
    """Start a new generation when the current one meets a condition (age, size, documents)."""
    response = client.indices.rollover(alias=alias, conditions=conditions or ROLLOVER)
    return {"rolled_over": response["rolled_over"], "old_index": response["old_index"],
            "new_index": response["new_index"], "conditions": response.get("conditions", {})}


def status(client: Elasticsearch, alias: str) -> dict:
    indices = alias_indices(client, alias)
    report = {"alias": alias, "mapping_version": mapping_version(), "ilm": has_ilm(client), "indices": []}
    for index, is_write in sorted(indices.items()):
        stats = client.indices.stats(index=index, metric=["docs", "store"])["indices"][index]["primaries"]
        version = index.rsplit("-v", 1)[-1].split("-")[0] if "-v" in index else "?"
        report["indices"].append({"index": index, "write": is_write, "docs": stats["docs"]["count"],
                                  "bytes": stats["store"]["size_in_bytes"], "mapping_version": version})
    if not indices and client.indices.exists(index=alias):
        report["warning"] = f"{alias} is a concrete index: run `wirefeed index migrate`"
    return report


def migrate(client: Elasticsearch, alias: str, delete_old: bool = False, chunk: int = 1000) -> dict:
    """Copy every document into a new index of the current mapping version, check the count, then
    point the alias at it in one atomic step. The old indices stay unless ``delete_old``."""
    from wirefeed.enrich import refingerprint

    sources = list(alias_indices(client, alias)) or ([alias] if client.indices.exists(index=alias) else [])
    if not sources:
        report = install(client, alias)
        return {"copied": 0, "target": report.write_index, "sources": []}
    target = f"{alias}-v{mapping_version()}-migrated-000001"
    if target in sources:
        raise ElasticsearchUnavailable(f"{alias} already points at {target}: nothing to migrate")
    put_template(client, alias)
    client.indices.create(index=target)
    client.indices.refresh(index=",".join(sources))
    expected = client.count(index=",".join(sources))["count"]

    def actions():
        for hit in helpers.scan(client, index=",".join(sources), query={"query": {"match_all": {}}}, size=chunk,
                                version=True):
            doc = hit["_source"]
            if "match_text" not in doc and "title" in doc:  # derived fields of older mapping versions
                doc = refingerprint({**doc, "summary": doc.get("summary") or ""})
            yield {"_op_type": "index", "_index": target, "_id": hit["_id"], "_source": doc,
                   "version": hit.get("_version", 1), "version_type": "external_gte"}

    copied, errors = helpers.bulk(client, actions(), chunk_size=chunk, raise_on_error=False, max_retries=5)
    client.indices.refresh(index=target)
    count = client.count(index=target)["count"]
    if errors or count != expected:
        raise ElasticsearchUnavailable(f"migration copied {count} of {expected} documents ({len(errors)} errors); "
                                       f"the alias still points at the old indices, {target} can be deleted")
    if alias in sources:  # an old concrete index named like the alias: it must go before the alias can exist
        client.indices.delete(index=alias)
        client.indices.put_alias(index=target, name=alias, is_write_index=True)
    else:
        client.indices.update_aliases(actions=[
            *({"remove": {"index": index, "alias": alias}} for index in sources),
            {"add": {"index": target, "alias": alias, "is_write_index": True}}])
        if delete_old:
            client.indices.delete(index=",".join(sources))
    return {"copied": count, "target": target, "sources": sources}
