"""The small HTTP face of ``serve``: ``/healthz``, ``/readyz`` and ``/metrics``.

Standard-library ``ThreadingHTTPServer`` in a daemon thread: three read-only endpoints
do not justify a web framework.  ``/healthz`` answers while the process is alive (a
liveness probe must not depend on the CRM or the database, or a database outage would
restart every pod); ``/readyz`` runs the readiness checks and answers 503 with the
failing ones.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..config._logging import redact
from ._metrics import CONTENT_TYPE_LATEST

__all__ = ["HealthServer", "ReadinessCheck"]

log = logging.getLogger("nextadvance.serve.http")

#: A readiness check returns ``None`` when fine, or a short reason when not.
ReadinessCheck = Callable[[], str | None]


class HealthServer:
    """Serve health, readiness and metrics on ``host:port`` from a background thread."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        metrics: Callable[[], bytes],
        checks: Mapping[str, ReadinessCheck],
    ) -> None:
        self._metrics = metrics
        self._checks = dict(checks)
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        return int(self._httpd.server_address[1])

    def start(self) -> None:
        """Start answering requests in a daemon thread."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="nextadvance-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop answering and close the socket (safe if never started)."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def readiness(self) -> dict[str, str]:
        """Run every check; return ``{name: "ok" | reason}``."""
        results: dict[str, str] = {}
        for name, check in self._checks.items():
            try:
                problem = check()
            except Exception as exc:  # a failing probe means "not ready", never a crash
                problem = f"{type(exc).__name__}: {exc}"
            results[name] = "ok" if problem is None else redact(problem)
        return results

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "nextadvance"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/healthz":
                    self._send(200, b"ok\n", "text/plain; charset=utf-8")
                elif path == "/readyz":
                    results = server.readiness()
                    ready = all(v == "ok" for v in results.values())
                    body = json.dumps({"ready": ready, "checks": results}).encode()
                    self._send(200 if ready else 503, body, "application/json")
                elif path == "/metrics":
                    self._send(200, server._metrics(), CONTENT_TYPE_LATEST)
                else:
                    self._send(404, b"not found\n", "text/plain; charset=utf-8")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                log.debug("http " + format, *args)

        return Handler
