"""The `wirefeed` command.

Exit codes (cron-friendly): 0 all went through; 1 some feeds or items failed and went to the
dead-letter topic (or, for parse/enrich, some inputs failed); 2 bad configuration or usage;
3 a service was unreachable or the job failed, nothing committed: safe to run again.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time

EXIT_OK, EXIT_PARTIAL, EXIT_CONFIG, EXIT_FAILED = 0, 1, 2, 3
log = logging.getLogger("wirefeed")


class _OwnLogsFilter(logging.Filter):
    """wirefeed's own progress at INFO; the libraries' (Beam logs job progress on the root logger) only
    when they report an error, unless --verbose."""

    def filter(self, record):
        return record.name.startswith("wirefeed") or record.levelno >= logging.ERROR


class _JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the error, when there is one)."""

    def format(self, record):
        moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
        entry = {"ts": moment, "level": record.levelname.lower(), "logger": record.name,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _setup_logging(verbose: bool, log_format: str = "text") -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if log_format == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(_JsonFormatter())
    if not verbose:
        for handler in logging.getLogger().handlers:
            handler.addFilter(_OwnLogsFilter())


def _print_jsonl(record: dict) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def cmd_services(args) -> int:
    from wirefeed.deploy.local import services

    return services.main([args.action, *args.names])


def cmd_parse(args) -> int:
    from wirefeed.config import Config, ConfigError, load_config
    from wirefeed.connectors import FeedRef
    from wirefeed.ingest import FeedError, read_feed

    try:
        config = load_config(args.config) if args.config else Config()
    except ConfigError as exc:
        print(f"wirefeed parse: bad configuration: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    failed = 0
    for location in args.locations:
        try:
            items = read_feed(FeedRef(location=location, connector=args.connector, language=args.language), config)
        except FeedError as exc:
            failed += 1
            print(f"wirefeed parse: {location}: {exc.stage} failed: {exc.reason}", file=sys.stderr)
            continue
        for item in items:
            _print_jsonl(item)
    return EXIT_PARTIAL if failed else EXIT_OK


def cmd_enrich(args) -> int:
    from wirefeed.enrich import Rejected, enrich, fold_stories, strip_source_boilerplate

    stream = sys.stdin if args.file in (None, "-") else open(args.file, encoding="utf-8")
    failed = 0
    docs = []
    with stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                docs.append(enrich(json.loads(line)))
            except json.JSONDecodeError as exc:
                failed += 1
                print(f"wirefeed enrich: line {number}: decode failed: not JSON: {exc}", file=sys.stderr)
            except Rejected as exc:
                failed += 1
                print(f"wirefeed enrich: line {number}: {exc.stage} failed: {exc.reason}", file=sys.stderr)
    folded = fold_stories(strip_source_boilerplate(docs))
    for doc in folded:
        _print_jsonl(doc)
    copies, older = sum(1 for d in folded if d["duplicate_of"]), len(docs) - len(folded)
    if copies or older:
        print(f"wirefeed enrich: {copies} copy/copies folded into their stories, {older} older version(s) dropped",
              file=sys.stderr)
    return EXIT_PARTIAL if failed else EXIT_OK


def _ingest(config, args) -> int:
    from wirefeed.ingest import run_ingest, run_ingest_loop

    if getattr(args, "loop", False):
        report = run_ingest_loop(config)
    else:
        report = run_ingest(config, all_feeds=getattr(args, "all", False))
    log.info("ingest: %d feed(s), %d polled (%d not modified, %d not due), %d item(s) published, "
             "%d unchanged, %d feed(s) failed, %d item(s) rejected", report.feeds, report.polled,
             report.not_modified, report.not_due, report.published, report.unchanged, len(report.failed_feeds),
             report.rejected_items)
    _RUN_COUNTERS.update(feeds=report.feeds, feeds_polled=report.polled, feeds_not_modified=report.not_modified,
                         feeds_failed=len(report.failed_feeds), items_published=report.published,
                         items_unchanged=report.unchanged, items_rejected=report.rejected_items)
    return EXIT_PARTIAL if report.failures else EXIT_OK


def _process(config, args) -> int:
    if getattr(args, "streaming", False):
        return _stream(config, args)
    from wirefeed.pipelines.process import run_process

    report = run_process(config)
    counters = report.counters
    log.info("process: %d record(s) in %.1fs; indexed %d, copies folded into stories %d, stale versions %d, "
             "dead letters %d", report.records, report.seconds, counters.get("indexed", 0),
             counters.get("story_copies", 0),
             counters.get("stale_versions", 0), report.deadletters)
    print(json.dumps({"records": report.records, "seconds": round(report.seconds, 2), **counters}), file=sys.stderr)
    _RUN_COUNTERS.update(counters)
    _RUN_COUNTERS.setdefault("records_read", report.records)
    return EXIT_PARTIAL if report.deadletters else EXIT_OK


def _stream(config, args) -> int:
    from wirefeed.metrics import LIVE
    from wirefeed.pipelines.process import JobFailed
    from wirefeed.pipelines.streaming import run_streaming

    try:
        state = run_streaming(config, args.metrics_port)
    except RuntimeError as exc:
        raise JobFailed(str(exc)) from None
    _RUN_COUNTERS.update({k: v for k, v in LIVE.snapshot().items() if not k.startswith("last_")})
    log.info("streaming job ended: %s; %s", state, json.dumps(LIVE.snapshot()))
    return EXIT_OK


_RUN_COUNTERS: dict[str, float] = {}


def _write_metrics(args, started: float, code: int) -> None:
    path = getattr(args, "metrics_file", None) or os.environ.get("WIREFEED_METRICS_FILE")
    if not path:
        return
    from wirefeed.metrics import write_textfile

    try:
        write_textfile(path, args.command, _RUN_COUNTERS, time.monotonic() - started, code)
    except OSError as exc:
        log.warning("could not write the metrics file %s: %s", path, exc.strerror or exc)


def _with_config(args, *steps) -> int:
    started = time.monotonic()
    code = _run_steps(args, *steps)
    _write_metrics(args, started, code)
    return code


def _run_steps(args, *steps) -> int:
    from wirefeed.config import ConfigError, load_config
    from wirefeed.es_io import ElasticsearchUnavailable
    from wirefeed.kafka_io import KafkaUnavailable
    from wirefeed.pipelines.process import JobFailed

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        log.error("bad configuration: %s", exc)
        return EXIT_CONFIG
    code = EXIT_OK
    try:
        for step in steps:
            code = max(code, step(config, args))
    except (KafkaUnavailable, ElasticsearchUnavailable, JobFailed) as exc:
        log.error("%s", exc)
        return EXIT_FAILED
    return code


def cmd_ingest(args) -> int:
    return _with_config(args, _ingest)


def cmd_process(args) -> int:
    return _with_config(args, _process)


def cmd_run(args) -> int:
    return _with_config(args, _ingest, _process)


def _elasticsearch_failed(what: str, exc: Exception, config) -> int:
    """Log what went wrong in an operator's words; a refused request (4xx: bad credentials, a bad
    query) is a configuration or usage error, anything else a failure worth retrying."""
    from wirefeed.es_io import explain

    log.error("%s failed: %s", what, explain(exc, config.elasticsearch))
    return EXIT_CONFIG if 400 <= (getattr(exc, "status_code", None) or 500) < 500 else EXIT_FAILED


def cmd_search(args) -> int:
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    from wirefeed.config import ConfigError, load_config
    from wirefeed.es_io import ElasticsearchUnavailable, SearchFilters, make_client, search

    filters = SearchFilters(language=args.language, source=args.source, agency=args.agency, topic=args.topic,
                            since=args.since, until=args.until)
    try:
        config = load_config(args.config)
        client = make_client(config.elasticsearch)
        hits = search(client, config.elasticsearch.index, args.query, size=args.size, filters=filters,
                      fold=not args.all_copies)
    except ConfigError as exc:
        log.error("bad configuration: %s", exc)
        return EXIT_CONFIG
    except (ApiError, ElasticsearchUnavailable, TransportError) as exc:
        return _elasticsearch_failed("search", exc, config)
    if args.json:
        for hit in hits:
            _print_jsonl(hit)
        return EXIT_OK
    unit = ("hit" if args.all_copies else "story") if len(hits) == 1 else ("hits" if args.all_copies else "stories")
    print(f"{len(hits)} {unit} for {args.query!r}")
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    for number, hit in enumerate(hits, 1):
        topics = ", ".join(t["label"] for t in hit.get("topics", [])[:3])
        when = (hit.get("published_at") or "")[:16].replace("T", " ")
        copies = hit.get("matching_copies", 1)
        print(f"{number:>2}. {hit.get('title', '')}")
        print(f"    {hit.get('source', {}).get('name', '')} · {hit.get('language', '')} · {when}"
              + (f" · {hit['wire_agency']}" if hit.get("wire_agency") else "") + (f" · {topics}" if topics else ""))
        if copies > 1 or len(hit.get("outlets") or []) > 1:
            print(f"    {copies} copies; carried by: {_cut(', '.join(hit.get('outlets') or []), 100)}")
        snippet = (hit.get("highlight", {}).get("body") or [""])[0]
        if snippet:
            print("    " + snippet.replace("<em>", bold).replace("</em>", plain).replace("\n", " "))
    return EXIT_OK


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def cmd_index(args) -> int:
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    from wirefeed import index_admin
    from wirefeed.config import ConfigError, load_config
    from wirefeed.es_io import ElasticsearchUnavailable, make_client

    try:
        config = load_config(args.config)
        client = make_client(config.elasticsearch)
        alias = config.elasticsearch.index
        if args.action == "install":
            report = index_admin.install(client, alias)
            for warning in report.warnings:
                log.warning("%s", warning)
            result = {"alias": alias, "write_index": report.write_index, "created": report.created, "ilm": report.ilm}
        elif args.action == "status":
            result = index_admin.status(client, alias)
        elif args.action == "rollover":
            result = index_admin.rollover(client, alias)
        else:
            result = index_admin.migrate(client, alias, delete_old=args.delete_old)
    except ConfigError as exc:
        log.error("bad configuration: %s", exc)
        return EXIT_CONFIG
    except (ElasticsearchUnavailable, ApiError, TransportError) as exc:
        return _elasticsearch_failed(f"index {args.action}", exc, config)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_kibana(args) -> int:
    from wirefeed import kibana

    if args.action == "export":
        sys.stdout.write(kibana.ndjson())
        return EXIT_OK
    if not args.url:
        log.error("kibana import needs --url (Kibana's address, e.g. http://127.0.0.1:5601)")
        return EXIT_CONFIG
    try:
        result = kibana.import_objects(args.url, args.file, space=args.space, ca_file=args.ca_file)
    except PermissionError as exc:
        log.error("kibana import: %s", exc)
        return EXIT_CONFIG
    except Exception as exc:  # noqa: BLE001 - network, TLS or HTTP errors: say which, no traceback
        log.error("kibana import failed: %s: %s", type(exc).__name__, exc)
        return EXIT_FAILED
    errors = result.get("errors") or []
    for error in errors:
        log.error("kibana import: %s %s: %s", error.get("type"), error.get("id"), error.get("error", {}).get("type"))
    log.info("kibana import: %d saved object(s) imported, %d error(s)", result.get("successCount", 0), len(errors))
    return EXIT_OK if result.get("success") and not errors else EXIT_PARTIAL


def cmd_connectors(args) -> int:
    from pathlib import Path

    from wirefeed.connectors import _BUILTIN, available

    if args.action == "list":
        for name, target in sorted(available().items()):
            origin = "built-in" if _BUILTIN.get(name) == target else "plugin"
            print(f"{name:<12} {target}  ({origin})")
        return EXIT_OK
    from wirefeed.connectors.scaffold import new_connector

    if not args.name:
        print("wirefeed connectors new: give the connector's NAME, e.g. acme-wire", file=sys.stderr)
        return EXIT_CONFIG
    try:
        scaffold = new_connector(args.name, Path(args.dir))
    except (ValueError, FileExistsError) as exc:
        print(f"wirefeed connectors new: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    for path in scaffold.files:
        print(f"wrote {path}")
    print(f"\nnext: run `python -m pytest {scaffold.files[-1]}`, then register it in your package's setup.py:\n"
          f'    entry_points={{"wirefeed.connectors": ["{args.name}={scaffold.entry_point}"]}}')
    return EXIT_OK


def cmd_topics(args) -> int:
    from wirefeed.topics import tag_topics

    if args.action == "tag":
        if not args.title:
            print("wirefeed topics tag: give a TITLE (and optionally a BODY)", file=sys.stderr)
            return EXIT_CONFIG
        for topic in tag_topics(args.title, args.body or "", args.language):
            _print_jsonl(topic)
        return EXIT_OK
    from wirefeed.topic_model import provider_labelled
    from wirefeed.topics import bundled_examples, provider_media_topics, train_model

    if not args.out:
        print("wirefeed topics train: give --out PATH for the model file", file=sys.stderr)
        return EXIT_CONFIG
    examples = [] if args.no_bundled else bundled_examples()
    bundled = len(examples)
    for path in args.items:
        with (sys.stdin if path == "-" else open(path, encoding="utf-8")) as stream:
            examples += provider_labelled((json.loads(line) for line in stream if line.strip()), provider_media_topics)
    if not examples:
        print("wirefeed topics train: no labelled items (none of the --items had provider codes that map onto "
              "Media Topics)", file=sys.stderr)
        return EXIT_CONFIG
    model = train_model(examples)
    model.save(args.out)
    log.info("topics train: %d bundled and %d provider-coded item(s), %d features -> %s (use it with "
             "WIREFEED_TOPIC_MODEL=%s)", bundled, len(examples) - bundled, model.meta["features"], args.out, args.out)
    return EXIT_OK


def cmd_samples(args) -> int:
    from wirefeed.samples.serve import serve

    serve(args.port, args.directory)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wirefeed", description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--log-format", choices=["text", "json"], default=os.environ.get("WIREFEED_LOG_FORMAT", "text"),
                        help="json: one JSON object per log line (for log shippers); env WIREFEED_LOG_FORMAT")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("services", help="start, stop or inspect the local Kafka, Elasticsearch and Prism")
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("names", nargs="*", help="prism, kafka, elasticsearch (default: all)")
    p.set_defaults(func=cmd_services)

    p = sub.add_parser("parse", help="print the raw items of feeds (paths or URLs) as JSON Lines")
    p.add_argument("locations", nargs="+", metavar="PATH_OR_URL")
    p.add_argument("--connector", default="rss")
    p.add_argument("--language", default=None, help="language to declare for these feeds")
    p.add_argument("--config", default=None, help="take HTTP settings from this config")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("enrich", help="run the processing stages on raw-item JSON Lines, print documents")
    p.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    p.set_defaults(func=cmd_enrich)

    for name, func, text in (("ingest", cmd_ingest, "read the configured feeds and publish raw items to Kafka"),
                             ("process", cmd_process, "run the Beam job: Kafka raw items into Elasticsearch"),
                             ("run", cmd_run, "ingest then process: one scheduled job")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--config", default=None, help="YAML config (default: the packaged local default)")
        if name != "process":
            mode = p.add_mutually_exclusive_group()
            mode.add_argument("--once", action="store_true", help="one pass over the due feeds, then exit (default)")
            if name == "ingest":
                mode.add_argument("--loop", action="store_true", help="keep polling each feed at its interval "
                                  "until SIGTERM/SIGINT")
            p.add_argument("--all", action="store_true", help="poll every feed now, due or not")
        p.add_argument("--metrics-file", default=None, help="write this run's metrics here in Prometheus text "
                       "format (node_exporter textfile collector); env WIREFEED_METRICS_FILE")
        if name == "process":
            p.add_argument("--streaming", action="store_true", help="run without end: read wirefeed.raw as it "
                           "grows, index within seconds, commit offsets after Elasticsearch acknowledged; stops "
                           "on SIGTERM/SIGINT (exit 0)")
            p.add_argument("--metrics-port", type=int, default=None, help="with --streaming: serve the job's "
                           "counters at http://127.0.0.1:PORT/metrics (Prometheus text format)")
        p.set_defaults(func=func)

    p = sub.add_parser("search", help="search the index: one hit per story, with its copies and outlets")
    p.add_argument("query")
    p.add_argument("--config", default=None)
    p.add_argument("--size", type=int, default=10)
    p.add_argument("--language", help="only this language (ar, en, fr, ...)")
    p.add_argument("--source", help="only this source (its name as indexed)")
    p.add_argument("--agency", help="only items credited to this wire agency (AFP, Reuters, ...)")
    p.add_argument("--topic", help="only this topic: a code (medtop:...) or a label")
    p.add_argument("--since", help="published at or after: 2026-11-01, 2026-11-01T08:00:00Z or now-7d")
    p.add_argument("--until", help="published at or before (same forms)")
    p.add_argument("--all-copies", action="store_true", help="every copy as its own hit, not one per story")
    p.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("index", help="install, inspect, roll over or migrate the index behind the write alias")
    p.add_argument("action", choices=["install", "status", "rollover", "migrate"])
    p.add_argument("--config", default=None)
    p.add_argument("--delete-old", action="store_true", help="migrate: delete the old indices once the alias moved")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("kibana", help="import wirefeed's data view, saved searches and dashboard into Kibana")
    p.add_argument("action", choices=["import", "export"])
    p.add_argument("--url", help="Kibana's base URL, e.g. http://127.0.0.1:5601")
    p.add_argument("--space", help="a Kibana space id (default: the default space)")
    p.add_argument("--file", default=None, help="NDJSON to import (default: the bundled deploy/kibana/wirefeed.ndjson)")
    p.add_argument("--ca-file", default=None, help="CA certificate to trust for an https Kibana")
    p.set_defaults(func=cmd_kibana)

    p = sub.add_parser("connectors", help="list installed connectors, or scaffold a new one")
    p.add_argument("action", choices=["list", "new"])
    p.add_argument("name", nargs="?", help="for `new`: the connector's name, e.g. acme-wire")
    p.add_argument("--dir", default=".", help="for `new`: where to write the module, fixture and test")
    p.set_defaults(func=cmd_connectors)

    p = sub.add_parser("topics", help="tag a text with Media Topics, or train a topic model on your own items")
    p.add_argument("action", choices=["tag", "train"])
    p.add_argument("title", nargs="?", help="for `tag`: the headline")
    p.add_argument("body", nargs="?", help="for `tag`: the body text")
    p.add_argument("--language", default="en", help="for `tag`: the language of the labels (ar, en, fr)")
    p.add_argument("--items", nargs="*", default=[], metavar="FILE|-",
                   help="for `train`: JSON Lines of raw items or documents; those with provider subject codes "
                   "are labelled examples (e.g. from `wirefeed parse` on an agency's files)")
    p.add_argument("--no-bundled", action="store_true", help="for `train`: leave out the bundled corpus")
    p.add_argument("--out", help="for `train`: where to write the model (.npz)")
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser("samples", help="serve the bundled sample feeds over HTTP (for the local demo)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--directory", default=None, help="serve this folder instead of the bundled samples")
    p.set_defaults(func=cmd_samples)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose, args.log_format)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
