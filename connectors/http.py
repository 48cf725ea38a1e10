"""HTTP for connectors, polite by default.

The poller uses :class:`AsyncFetcher` (aiohttp): conditional GET with ETag and Last-Modified,
gzip/deflate/brotli, connect/read/total timeouts, a size cap, a bounded number of redirects,
retries with exponential backoff and jitter that honour Retry-After on 429 and 503, at most
``per_host_concurrency`` requests at once per host with ``per_host_delay`` seconds between their
starts, proxies from the environment, TLS verification on, and basic, bearer or header-key
authentication whose secrets are read from environment variables and never logged.
``fetch_url`` is the synchronous path for `wirefeed parse`.
"""
from __future__ import annotations

import asyncio
import base64
import email.utils
import os
import random
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import requests

from wirefeed import __version__

ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, application/json;q=0.8, */*;q=0.5"


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = f"wirefeed/{__version__} (+https://github.com/wirefeed/wirefeed)"
    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_retry_after: float = 300.0
    per_host_concurrency: int = 2
    per_host_delay: float = 0.0
    verify_tls: bool = True


def safe_url(url: str) -> str:
    """The URL without credentials or query string, fit for a log line or a dead letter."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _feed_error(stage: str, reason: str):
    from wirefeed.connectors.base import FeedError

    return FeedError(stage, reason)


def auth_headers(auth: dict | None) -> dict[str, str]:
    """Request headers for a feed's auth setting; secrets come from the environment variables it names.
    Error messages name the variables, never their values."""
    if not auth:
        return {}

    def secret(key: str) -> str:
        name = auth.get(key)
        if not name:
            raise _feed_error("fetch", f"auth type {auth.get('type')!r} needs '{key}' (an environment variable name)")
        value = os.environ.get(name)
        if value is None:
            raise _feed_error("fetch", f"auth: environment variable {name} is not set")
        return value

    kind = auth.get("type")
    if kind == "basic":
        pair = f"{secret('username_env')}:{secret('password_env')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    if kind == "bearer":
        return {"Authorization": f"Bearer {secret('token_env')}"}
    if kind == "header":
        if not auth.get("header"):
            raise _feed_error("fetch", "auth type 'header' needs 'header' (the header's name)")
        return {auth["header"]: secret("value_env")}
    raise _feed_error("fetch", f"unknown auth type {kind!r}: use basic, bearer or header")


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (now if now is not None else time.time()))


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass
class FetchResult:
    body: bytes | None
    validators: Validators
    not_modified: bool = False
    charset: str | None = None
    attempts: int = 1
    status: int = 200


@dataclass
class _HostGate:
    semaphore: asyncio.Semaphore
    delay: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float = 0.0

    async def __aenter__(self):
        await self.semaphore.acquire()
        if self.delay > 0:
            async with self.lock:
                wait = self.last_start + self.delay - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self.last_start = time.monotonic()
        return self

    async def __aexit__(self, *exc):
        self.semaphore.release()


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class AsyncFetcher:
    """One session for a whole poll: connections are reused, hosts are rate-limited together."""

    def __init__(self, settings: HttpSettings):
        self.settings = settings
        self._hosts: dict[str, _HostGate] = {}
        self._session = None

    async def __aenter__(self):
        import aiohttp

        s = self.settings
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=s.connect_timeout, sock_read=s.read_timeout),
            connector=aiohttp.TCPConnector(limit=200, ssl=None if s.verify_tls else False),
            headers={"User-Agent": s.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate, br"},
            trust_env=True)
        return self

    async def __aexit__(self, *exc):
        await self._session.close()

    def _gate(self, url: str) -> _HostGate:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._hosts:
            self._hosts[host] = _HostGate(asyncio.Semaphore(self.settings.per_host_concurrency),
                                          self.settings.per_host_delay)
        return self._hosts[host]

    async def fetch(self, url: str, validators: Validators = Validators(), auth: dict | None = None) -> FetchResult:
        s = self.settings
        headers = {**validators.headers(), **auth_headers(auth)}
        reason = "no attempt made"
        for attempt in range(s.retries + 1):
            try:
                async with self._gate(url):
                    return await asyncio.wait_for(self._once(url, headers, validators, attempt + 1), s.total_timeout)
            except _Retryable as exc:
                reason, delay = exc.reason, exc.retry_after
            except asyncio.TimeoutError:
                reason, delay = f"no complete answer within {s.total_timeout:.0f}s", None
            if attempt == s.retries:
                break
            if delay is not None and delay > s.max_retry_after:
                raise _feed_error("fetch", f"{reason}; Retry-After {delay:.0f}s is over the {s.max_retry_after:.0f}s cap")
            if delay is None:  # exponential backoff with jitter, so many pollers do not retry in step
                delay = min(s.max_backoff, s.backoff * 2 ** attempt) * (0.5 + random.random() / 2)
            await asyncio.sleep(delay)
        raise _feed_error("fetch", f"{reason} (after {s.retries + 1} attempts)")

    async def _once(self, url: str, headers: dict, validators: Validators, attempt: int) -> FetchResult:
        import aiohttp

        s = self.settings
        try:
            async with self._session.get(url, headers=headers, max_redirects=s.max_redirects) as response:
                if response.status == 304:
                    return FetchResult(None, _validators(response, validators), not_modified=True, attempts=attempt,
                                       status=304)
                if response.status in (429, 503) or response.status >= 500:
                    raise _Retryable(f"HTTP {response.status} {response.reason}",
                                     retry_after_seconds(response.headers.get("Retry-After")))
                if response.status >= 400:
                    raise _feed_error("fetch", f"HTTP {response.status} {response.reason}")
                declared = response.content_length
                if declared is not None and declared > s.max_bytes:
                    raise _feed_error("fetch", f"response is {declared} bytes, over the {s.max_bytes}-byte cap")
                chunks, size = [], 0
                async for chunk in response.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > s.max_bytes:
                        raise _feed_error("fetch", f"response exceeds the {s.max_bytes}-byte cap")
                    chunks.append(chunk)
                return FetchResult(b"".join(chunks), _validators(response, Validators()), charset=response.charset,
                                   attempts=attempt, status=response.status)
        except aiohttp.TooManyRedirects:
            raise _feed_error("fetch", f"more than {s.max_redirects} redirects") from None
        except aiohttp.ClientResponseError as exc:  # e.g. a broken compressed body
            raise _feed_error("fetch", f"bad response: HTTP {exc.status} {exc.message}") from None
        except aiohttp.ClientSSLError as exc:
            raise _feed_error("fetch", f"TLS error: {type(exc).__name__}") from None
        except (aiohttp.ClientConnectionError, aiohttp.ServerTimeoutError) as exc:
            raise _Retryable(f"{type(exc).__name__}: {str(exc).replace(url, safe_url(url))}") from None


def _validators(response, previous: Validators) -> Validators:
    return Validators(etag=response.headers.get("ETag") or previous.etag,
                      last_modified=response.headers.get("Last-Modified") or previous.last_modified)


def fetch_url(url: str, settings: HttpSettings) -> FetchResult:
    """One synchronous download (for `wirefeed parse`): timeouts, size cap, bounded redirects."""
    session = requests.Session()
    session.max_redirects = settings.max_redirects
    started = time.monotonic()
    try:
        with session.get(url, stream=True, timeout=(settings.connect_timeout, settings.read_timeout),
                         verify=settings.verify_tls,
                         headers={"User-Agent": settings.user_agent, "Accept": ACCEPT}) as response:
            if response.status_code >= 400:
                raise _feed_error("fetch", f"HTTP {response.status_code} {response.reason}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                raise _feed_error("fetch", f"response is {declared} bytes, over the {settings.max_bytes}-byte cap")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > settings.max_bytes:
                    raise _feed_error("fetch", f"response exceeds the {settings.max_bytes}-byte cap")
                if time.monotonic() - started > settings.total_timeout:
                    raise _feed_error("fetch", f"download took longer than {settings.total_timeout:.0f}s")
                chunks.append(chunk)
            charset = requests.utils.get_encoding_from_headers({"content-type": response.headers.get("Content-Type", "")})
            if charset == "ISO-8859-1" and "charset" not in response.headers.get("Content-Type", "").lower():
                charset = None  # requests' default for text/*, not something the server said
            return FetchResult(b"".join(chunks), _validators(response, Validators()), charset=charset,
                               status=response.status_code)
    except requests.exceptions.TooManyRedirects:
        raise _feed_error("fetch", f"more than {settings.max_redirects} redirects") from None
    except requests.exceptions.Timeout as exc:
        raise _feed_error("fetch", f"timed out: {type(exc).__name__}") from None
    except requests.exceptions.RequestException as exc:
        raise _feed_error("fetch", f"{type(exc).__name__}: {str(exc).replace(url, safe_url(url))}") from None
    finally:
        session.close()
