"""A loopback HTTP proxy in front of the real Elasticsearch that answers some bulk requests with
429 Too Many Requests, as a node under indexing pressure does (es_rejected_execution_exception);
every other request goes through to Elasticsearch unchanged."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REJECTION = {"error": {"root_cause": [{"type": "es_rejected_execution_exception",
                                       "reason": "rejected execution of coordinating operation"}],
                       "type": "es_rejected_execution_exception",
                       "reason": "rejected execution of coordinating operation"}, "status": 429}


class RejectingProxy:
    """Answers 429 to the first ``rejections`` bulk requests, every other one, then lets all through."""

    def __init__(self, upstream: str, rejections: int):
        self.upstream = upstream.rstrip("/")
        self.rejections = rejections
        self.rejected = 0
        self.bulk_seen = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if "_bulk" in self.path and proxy._reject():
                    payload = json.dumps(REJECTION).encode()
                    self.send_response(429)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                request = urllib.request.Request(proxy.upstream + self.path, data=body, method=self.command,
                                                 headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        status, reply, reply_headers = response.status, response.read(), response.headers
                except urllib.error.HTTPError as exc:
                    status, reply, reply_headers = exc.code, exc.read(), exc.headers
                self.send_response(status)
                for key, value in reply_headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _reject(self) -> bool:
        with self.lock:
            self.bulk_seen += 1
            if self.rejected < self.rejections and self.bulk_seen % 2 == 1:
                self.rejected += 1
                return True
            return False

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
