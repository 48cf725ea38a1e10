"""HTTP fetching for connectors: timeouts, a size cap, a bounded number of redirects."""
from __future__ import annotations

import time
from dataclasses import dataclass

from urllib.parse import urlsplit, urlunsplit

import requests

from wirefeed import __version__


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = f"wirefeed/{__version__} (+https://github.com/wirefeed/wirefeed)"


def safe_url(url: str) -> str:
    """The URL without credentials or query string, fit for a log line or a dead letter."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def fetch_url(url: str, settings: HttpSettings) -> bytes:
    from wirefeed.connectors.base import FeedError

    session = requests.Session()
    session.max_redirects = settings.max_redirects
    started = time.monotonic()
    try:
        with session.get(url, stream=True, timeout=(settings.connect_timeout, settings.read_timeout),
                         headers={"User-Agent": settings.user_agent,
                                  "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}) as response:
            if response.status_code >= 400:
                raise FeedError("fetch", f"HTTP {response.status_code} {response.reason}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                raise FeedError("fetch", f"response is {declared} bytes, over the {settings.max_bytes}-byte cap")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > settings.max_bytes:
                    raise FeedError("fetch", f"response exceeds the {settings.max_bytes}-byte cap")
                if time.monotonic() - started > settings.total_timeout:
                    raise FeedError("fetch", f"download took longer than {settings.total_timeout:.0f}s")
                chunks.append(chunk)
            return b"".join(chunks)
    except requests.exceptions.TooManyRedirects:
        raise FeedError("fetch", f"more than {settings.max_redirects} redirects") from None
    except requests.exceptions.Timeout as exc:
        raise FeedError("fetch", f"timed out: {type(exc).__name__}") from None
    except requests.exceptions.RequestException as exc:
        raise FeedError("fetch", f"{type(exc).__name__}: {str(exc).replace(url, safe_url(url))}") from None
    finally:
        session.close()
