"""A small local HTTP server for the bundled sample feeds, so the demo runs the real HTTP path."""
from __future__ import annotations

import functools
import http.server
import sys
from importlib import resources
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".xml": "application/rss+xml; charset=utf-8", ".atom": "application/atom+xml; charset=utf-8"}

    def log_message(self, fmt, *args):
        sys.stderr.write("[samples] " + (fmt % args) + "\n")


def samples_dir() -> Path:
    return Path(str(resources.files("wirefeed.samples")))


def make_server(port: int, directory: str | None = None) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_Handler, directory=str(directory or samples_dir()))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(port: int, directory: str | None = None) -> None:
    server = make_server(port, directory)
    print(f"[samples] serving {directory or samples_dir()} on http://127.0.0.1:{port}/", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
