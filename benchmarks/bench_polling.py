"""Feed polling: `wirefeed ingest` over 2,000 feeds on a local HTTP server, against plain aiohttp.

    .venv/bin/wirefeed services up        # the poller publishes to the real Kafka
    .venv/bin/python -m benchmarks.bench_polling [--feeds 2000] [--hosts 50] [--items 20]

A feed server (aiohttp, in its own process on core 1) serves the feeds from 50 loopback addresses
(127.0.0.1-50, so the poller's per-host limits apply as on the web) with ETag, Last-Modified and
gzip. Every measured poller runs in its own process pinned to core 0 and does two passes:

1. cold: every feed answers 200 and every item is new;
2. mixed: half the feeds answer 304 (unchanged), half answer 200 with one new item among 20.

Ours: `run_ingest(all_feeds=True)` (async fetch, parse with feedparser, charset step, schema
validation, SQLite state, publish to Kafka and wait for its acknowledgement). Baseline: plain
aiohttp conditional GETs of the same URLs with the same per-host limit, bodies read and dropped.
Peak resident memory is the poller process's own (ru_maxrss).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from email.utils import formatdate
from pathlib import Path

ITEM = ("<item><guid isPermaLink=\"false\">feed{feed}-item{n}</guid><title>{title} {n}</title>"
        "<link>http://news{host}.example/{feed}/{n}</link><pubDate>{date}</pubDate>"
        "<description>{body}</description></item>")
TITLES = ["Storm warning for the coast, item", "انهيار جسر في العاصمة، الخبر", "Grève des cheminots, dépêche"]
BODIES = ["Heavy rain and strong winds are expected along the coast tonight, forecasters said. " * 3,
          "قال الدفاع المدني إن جسرا انهار في العاصمة وإن عشرة أشخاص أصيبوا بجروح طفيفة. " * 3,
          "Les syndicats de cheminots ont appelé à une grève de deux jours à partir de jeudi. " * 3]


def feed_urls(port: int, feeds: int, hosts: int) -> list[str]:
    return [f"http://127.0.0.{1 + i % hosts}:{port}/feed/{i}.xml" for i in range(feeds)]


# ---- the feed server --------------------------------------------------------------------------

def serve(port: int, feeds: int, hosts: int, items: int) -> None:
    from aiohttp import web

    state = {"round": 0}
    cache: dict[tuple[int, int], bytes] = {}

    def version(feed: int) -> int:
        return state["round"] if feed % 2 else 0  # odd feeds gain an item each round, even ones never change

    def render(feed: int) -> bytes:
        key = (feed, version(feed))
        if key not in cache:
            newest = version(feed) + items - 1
            entries = "".join(ITEM.format(feed=feed, n=n, host=feed % hosts, title=TITLES[feed % 3],
                                          body=BODIES[feed % 3], date=formatdate(1_790_000_000 + n * 60, usegmt=True))
                              for n in range(newest, newest - items, -1))
            cache[key] = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed {feed}'
                          f"</title><link>http://news.example/</link><description>d</description>{entries}"
                          f"</channel></rss>").encode()
        return cache[key]

    async def feed_handler(request):
        feed = int(request.match_info["feed"])
        etag = f'"{feed}-{version(feed)}"'
        last_modified = formatdate(1_790_000_000 + version(feed) * 60, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": last_modified}
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        response = web.Response(body=render(feed), content_type="application/rss+xml", charset="utf-8",
                                headers=headers)
        response.enable_compression()
        return response

    async def advance(request):
        state["round"] += 1
        return web.Response(text=str(state["round"]))

    async def main():
        app = web.Application()
        app.router.add_get("/feed/{feed:\\d+}.xml", feed_handler)
        app.router.add_post("/advance", advance)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for host in range(1, hosts + 1):
            await web.TCPSite(runner, f"127.0.0.{host}", port, backlog=1024).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def advance(port: int) -> None:
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/advance", method="POST")).read()


# ---- the measured pollers (each in its own process) -------------------------------------------

async def plain_pass(urls: list[str], etags: dict[str, str], per_host: int) -> dict:
    import aiohttp

    gates: dict[str, asyncio.Semaphore] = {}
    counts = {"200": 0, "304": 0}

    async def get(session, url):
        host = url.split("/")[2]
        gate = gates.setdefault(host, asyncio.Semaphore(per_host))
        async with gate:
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            async with session.get(url, headers=headers) as response:
                await response.read()
                counts[str(response.status)] = counts.get(str(response.status), 0) + 1
                if response.headers.get("ETag"):
                    etags[url] = response.headers["ETag"]

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as session:
        await asyncio.gather(*(get(session, url) for url in urls))
    return counts


def child_plain(urls: list[str], port: int, per_host: int) -> dict:
    etags: dict[str, str] = {}
    passes = []
    for number in (1, 2):
        if number == 2:
            advance(port)
        started = time.perf_counter()
        counts = asyncio.run(plain_pass(urls, etags, per_host))
        passes.append({"seconds": time.perf_counter() - started, "ok": counts.get("200", 0),
                       "not_modified": counts.get("304", 0), "published": 0})
    return {"passes": passes}


def child_ours(urls: list[str], port: int, workdir: str) -> dict:
    import yaml

    from wirefeed.config import load_config
    from wirefeed.deploy.local.services import Settings
    from wirefeed.ingest import run_ingest

    name = f"wf-bench-poll-{uuid.uuid4().hex[:8]}"
    config_path = Path(workdir) / "config.yaml"
    config_path.write_text(yaml.safe_dump({
        "kafka": {"bootstrap_servers": Settings.from_env().kafka_bootstrap, "raw_topic": f"{name}.raw",
                  "deadletter_topic": f"{name}.dl"},
        "state": {"path": str(Path(workdir) / "state.sqlite")},
        "feeds": [{"url": url, "name": f"feed {i}"} for i, url in enumerate(urls)]}))
    config = load_config(str(config_path))
    passes = []
    for number in (1, 2):
        if number == 2:
            advance(port)
        started = time.perf_counter()
        report = run_ingest(config, all_feeds=True)
        passes.append({"seconds": time.perf_counter() - started, "ok": report.polled - report.not_modified,
                       "not_modified": report.not_modified, "published": report.published,
                       "failed": len(report.failed_feeds)})
    return {"passes": passes}


def run_child(kind: str, args) -> dict:
    command = [sys.executable, "-m", "benchmarks.bench_polling", "--child", kind, "--port", str(args.port),
               "--feeds", str(args.feeds), "--hosts", str(args.hosts), "--workdir", args.workdir]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{kind} poller failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--child", choices=["plain", "ours"])
    parser.add_argument("--workdir")
    args = parser.parse_args()

    if args.serve:
        os.sched_setaffinity(0, {1 % os.cpu_count()})
        serve(args.port, args.feeds, args.hosts, args.items)
        return
    if args.child:
        os.sched_setaffinity(0, {0})
        urls = feed_urls(args.port, args.feeds, args.hosts)
        if args.child == "plain":
            from wirefeed.connectors.http import HttpSettings

            result = child_plain(urls, args.port, HttpSettings().per_host_concurrency)
        else:
            result = child_ours(urls, args.port, args.workdir)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    server = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_polling", "--serve", "--port", str(args.port),
                               "--feeds", str(args.feeds), "--hosts", str(args.hosts), "--items", str(args.items)],
                              stdout=subprocess.PIPE, text=True)
    try:
        if server.stdout.readline().strip() != "ready":
            raise SystemExit("the feed server did not start")
        with tempfile.TemporaryDirectory() as workdir:
            args.workdir = workdir
            plain = run_child("plain", args)
            ours = run_child("ours", args)
    finally:
        server.terminate()
        server.wait()

    print(f"{args.feeds} feeds on {args.hosts} loopback hosts, {args.items} items each; pollers on one core")
    print("| poller | pass | 200 | 304 | items published | seconds | polls/min | ratio to baseline | peak RSS MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, result in (("baseline: plain aiohttp conditional GET", plain), ("`wirefeed ingest --once`", ours)):
        for number, (pass_, base) in enumerate(zip(result["passes"], plain["passes"]), 1):
            rate = args.feeds / pass_["seconds"] * 60
            base_rate = args.feeds / base["seconds"] * 60
            print(f"| {label} | {'cold' if number == 1 else 'mixed'} | {pass_['ok']} | {pass_['not_modified']} | "
                  f"{pass_['published']} | {pass_['seconds']:.2f} | {rate:,.0f} | {rate / base_rate:.2f} | "
                  f"{result['peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
