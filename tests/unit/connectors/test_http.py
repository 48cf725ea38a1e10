"""The async fetcher against a real HTTP server on loopback that misbehaves on purpose."""
import asyncio
import calendar
import gzip
import logging
import time

import brotli
import pytest
from aiohttp import web

from wirefeed.connectors import FeedError
from wirefeed.connectors.http import AsyncFetcher, HttpSettings, Validators, auth_headers, retry_after_seconds

FEED = b"<rss version='2.0'><channel><title>t</title><item><title>x</title></item></channel></rss>"


class Origin:
    """A feed publisher: counts requests, tracks concurrency, answers as each test needs."""

    def __init__(self):
        self.requests = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.fail_first = {}

    async def handle(self, request: web.Request):
        self.requests.append((request.path, dict(request.headers), time.monotonic()))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.02)
            return self.answer(request)
        finally:
            self.in_flight -= 1

    def answer(self, request):
        path = request.path
        if self.fail_first.get(path):
            self.fail_first[path] -= 1
            status, headers = (429, {"Retry-After": "1"}) if path == "/slow-down" else (503, {})
            return web.Response(status=status, headers=headers)
        if path == "/etag":
            if request.headers.get("If-None-Match") == '"v1"':
                return web.Response(status=304, headers={"ETag": '"v1"'})
            return web.Response(body=FEED, headers={"ETag": '"v1"', "Last-Modified": "Tue, 03 Nov 2026 08:00:00 GMT"})
        if path == "/gzip":
            return web.Response(body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
        if path == "/br":
            return web.Response(body=brotli.compress(FEED), headers={"Content-Encoding": "br"})
        if path == "/loop":
            raise web.HTTPFound("/loop")
        if path == "/big":
            return web.Response(body=b"x" * 5000)
        if path == "/private":
            if request.headers.get("Authorization") != "Bearer s3cret-token":
                return web.Response(status=401)
            return web.Response(body=FEED)
        if path == "/gone":
            return web.Response(status=404)
        return web.Response(body=FEED)


@pytest.fixture
def origin():
    server = Origin()

    async def start():
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", server.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]

    loop = asyncio.new_event_loop()
    runner, port = loop.run_until_complete(start())
    server.url = f"http://127.0.0.1:{port}"
    server.loop = loop
    yield server
    loop.run_until_complete(runner.cleanup())
    loop.close()


def fetch(origin, path, settings=HttpSettings(backoff=0.05), validators=Validators(), auth=None):
    async def go():
        async with AsyncFetcher(settings) as fetcher:
            return await fetcher.fetch(origin.url + path, validators, auth)
    return origin.loop.run_until_complete(go())


def test_conditional_get_uses_etag_and_last_modified(origin):
    first = fetch(origin, "/etag")
    assert first.body == FEED and first.validators.etag == '"v1"'
    second = fetch(origin, "/etag", validators=first.validators)
    assert second.not_modified and second.body is None
    sent = origin.requests[-1][1]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Tue, 03 Nov 2026 08:00:00 GMT"


@pytest.mark.parametrize("path", ["/gzip", "/br"])
def test_compressed_bodies_are_decoded(origin, path):
    assert fetch(origin, path).body == FEED
    assert "br" in origin.requests[-1][1]["Accept-Encoding"]


def test_503_is_retried_with_backoff(origin):
    origin.fail_first["/flaky"] = 2
    result = fetch(origin, "/flaky")
    assert result.body == FEED and result.attempts == 3


def test_429_honours_retry_after(origin):
    origin.fail_first["/slow-down"] = 1
    result = fetch(origin, "/slow-down")
    (_, _, first), (_, _, second) = origin.requests[-2:]
    assert result.body == FEED and second - first >= 0.95


def test_retry_after_over_the_cap_gives_up_with_a_reason(origin):
    origin.fail_first["/slow-down"] = 5
    with pytest.raises(FeedError, match="Retry-After 1s is over the 0s cap"):
        fetch(origin, "/slow-down", HttpSettings(max_retry_after=0.5))


def test_errors_that_retrying_cannot_fix_are_not_retried(origin):
    with pytest.raises(FeedError, match="HTTP 404"):
        fetch(origin, "/gone")
    assert len(origin.requests) == 1


def test_redirect_loops_and_oversized_bodies_are_refused(origin):
    with pytest.raises(FeedError, match="more than 3 redirects"):
        fetch(origin, "/loop", HttpSettings(max_redirects=3))
    with pytest.raises(FeedError, match="over the 1000-byte cap|exceeds the 1000-byte cap"):
        fetch(origin, "/big", HttpSettings(max_bytes=1000))


def test_unreachable_host_fails_after_retries(origin):
    origin.url = "http://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(FeedError, match=r"ClientConnectorError.*after 2 attempts"):
        fetch(origin, "/feed", HttpSettings(retries=1, backoff=0.01))


def test_per_host_concurrency_and_delay(origin):
    async def many(settings):
        async with AsyncFetcher(settings) as fetcher:
            await asyncio.gather(*(fetcher.fetch(f"{origin.url}/f{i}") for i in range(8)))
    origin.loop.run_until_complete(many(HttpSettings()))
    assert origin.max_in_flight == 2
    origin.requests.clear()
    origin.loop.run_until_complete(many(HttpSettings(per_host_delay=0.05, per_host_concurrency=8)))
    starts = sorted(t for _, _, t in origin.requests)
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.045


def test_bearer_auth_from_the_environment_and_never_in_errors(origin, monkeypatch, caplog):
    auth = {"type": "bearer", "token_env": "WIREFEED_TEST_TOKEN"}
    with pytest.raises(FeedError, match="WIREFEED_TEST_TOKEN is not set"):
        fetch(origin, "/private", auth=auth)
    monkeypatch.setenv("WIREFEED_TEST_TOKEN", "s3cret-token")
    caplog.set_level(logging.DEBUG)
    assert fetch(origin, "/private", auth=auth).body == FEED
    monkeypatch.setenv("WIREFEED_TEST_TOKEN", "wrong-s3cret")
    with pytest.raises(FeedError) as info:
        fetch(origin, "/private", auth=auth)
    assert "s3cret" not in str(info.value) and "s3cret" not in caplog.text


def test_auth_header_kinds(monkeypatch):
    monkeypatch.setenv("U", "user")
    monkeypatch.setenv("P", "pass")
    monkeypatch.setenv("K", "key")
    assert auth_headers({"type": "basic", "username_env": "U", "password_env": "P"}) == {
        "Authorization": "Basic dXNlcjpwYXNz"}
    assert auth_headers({"type": "header", "header": "X-Api-Key", "value_env": "K"}) == {"X-Api-Key": "key"}
    with pytest.raises(FeedError, match="unknown auth type"):
        auth_headers({"type": "magic"})


def test_retry_after_parsing():
    assert retry_after_seconds("120") == 120
    now = calendar.timegm((2026, 11, 3, 8, 0, 0))
    assert retry_after_seconds("Tue, 03 Nov 2026 08:00:30 GMT", now=now) == pytest.approx(30)
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
