"""The sandbox's HTTP/1.1 server: TLS on loopback, keep-alive, generic faults, dispatch.

Each connection is served by its own thread (TLS handshake included, so one slow client does
not block the accept loop).  Requests are parsed into :class:`~._http.Request`, counted, put
through the generic faults of the shared :class:`~._faults.FaultPlan` (slow, timeout, 5xx,
429 - each answered in the owning API's own error shape via ``app.fault_response``) and then
handed to the first mounted app whose ``handles`` accepts them.  ``/_sandbox/*`` is the admin
API (see ``_admin.py``).  Whatever goes wrong inside an app, the client gets a JSON error,
never a stack trace.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import ssl
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import _clock as clock
from ._faults import FaultPlan
from ._http import App, DropResponse, Request, Response, json_response
from ._transcript import Transcript

__all__ = ["Hub", "SandboxHTTPServer"]

log = logging.getLogger("nextadvance.sandbox")

_VERSION = re.compile(r"^v\d+\.\d+$")
_MAJOR = re.compile(r"^v\d+$")


def endpoint_pattern(path: str) -> str:
    """The path with ids and API versions replaced, for per-endpoint counting."""
    out = []
    for seg in path.split("/"):
        if _VERSION.match(seg):
            out.append("vXX.X")
        elif _MAJOR.match(seg) or not any(c.isdigit() for c in seg):
            out.append(seg)
        else:
            out.append("{id}")
    return "/".join(out)


class Hub:
    """The mounted apps plus the counters and hooks the admin endpoints need."""

    def __init__(
        self,
        apps: list[App],
        faults: FaultPlan,
        reset: Callable[[], None] | None = None,
        notes: dict[str, Any] | None = None,
    ) -> None:
        self.apps = apps
        self.faults = faults
        self.reset_hook = reset
        self.notes = notes or {}
        self.lock = threading.Lock()
        self.requests: dict[str, Counter[str]] = {}
        self.statuses: dict[str, Counter[str]] = {}
        self.injected: dict[str, Counter[str]] = {}
        #: Recent answered requests in order (``GET /_sandbox/requests``), so tests can check
        #: client timing per token, e.g. that nothing is sent before a Retry-After has passed.
        self.log: deque[dict[str, Any]] = deque(maxlen=20_000)
        #: Every answered API request with its body, when asked for (``serve --transcript``).
        self.transcript: Transcript | None = None

    def record(
        self, app: str, key: str, status: int, token: str | None, retry_after: str | None
    ) -> None:
        """Append one answered request to :attr:`log` (token kept only as a short hash)."""
        tag = hashlib.sha256(token.encode()).hexdigest()[:12] if token else ""
        entry = {"t": time.time(), "app": app, "key": key, "status": status, "token": tag}
        if retry_after is not None:
            entry["retry_after"] = retry_after
        with self.lock:
            self.log.append(entry)

    def count(self, app: str, key: str, status: int) -> None:
        """Record one answered request (status 0: dropped / timed out)."""
        with self.lock:
            self.requests.setdefault(app, Counter())[key] += 1
            self.statuses.setdefault(app, Counter())[str(status)] += 1

    def count_fault(self, app: str, kind: str) -> None:
        """Record one injected fault."""
        with self.lock:
            self.injected.setdefault(app, Counter())[kind] += 1

    def clear_counters(self) -> None:
        """Forget all request counters (on reset)."""
        with self.lock:
            self.requests.clear()
            self.statuses.clear()
            self.injected.clear()
            self.log.clear()

    def app_for(self, request: Request) -> App | None:
        """The first app that serves this request's path."""
        for app in self.apps:
            if app.handles(request):
                return app
        return None

    def fallback_app(self, request: Request) -> App | None:
        """Whose error shape an unknown path is answered in."""
        want = "salesforce" if request.path.startswith("/services") else "hubspot"
        for app in self.apps:
            if app.name == want:
                return app
        return self.apps[0] if self.apps else None


def fault_response(app: App | None, kind: str) -> Response:
    """An error in the app's own shape (``kind``: rate_limit, server_error, not_found)."""
    maker = getattr(app, "fault_response", None)
    if maker is not None:
        resp: Response = maker(kind)
        return resp
    status = {"rate_limit": 429, "server_error": 503, "not_found": 404}.get(kind, 500)
    return json_response(status, {"error": kind})


class _Handler(BaseHTTPRequestHandler):
    """Parses one request at a time on a keep-alive connection and writes the answer."""

    protocol_version = "HTTP/1.1"
    server_version = "nextadvance-sandbox/1"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this long
    # TCP_NODELAY: headers and body go out in two writes; with Nagle on, the body waited for
    # the client's delayed ACK (~40 ms on Linux loopback) on every request, which no CRM does
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header, from the sandbox clock (clients anchor reads on it)."""
        return super().date_time_string(clock.now() if timestamp is None else timestamp)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _serve(self) -> None:
        hub = self.server.hub
        split = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            self._send(json_response(400, {"error": "invalid Content-Length"}))
            return
        body = self.rfile.read(length) if length > 0 else b""
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        if request.path.startswith("/_sandbox/") or request.path == "/_sandbox":
            from ._admin import handle_admin

            try:
                answer = handle_admin(hub, request)
            except Exception:  # never a trace to the client
                log.exception("sandbox admin failed on %s %s", request.method, request.path)
                answer = json_response(500, {"error": "admin request failed; see the sandbox log"})
            self._send(answer)
            return
        app = hub.app_for(request)
        name = app.name if app is not None else "unknown"
        key = f"{request.method} {endpoint_pattern(request.path)}"
        faults = hub.faults
        if faults.slow_ms:
            time.sleep(faults.slow_ms / 1000.0)
        if faults.roll("rate_timeout"):
            hub.count_fault(name, "timeout")
            hub.count(name, key, 0)
            hub.record(name, key, 0, request.bearer, None)
            time.sleep(faults.timeout_s)
            self.close_connection = True
            return
        if app is None:
            response = fault_response(hub.fallback_app(request), "not_found")
        elif faults.roll("rate_5xx"):
            hub.count_fault(name, "server_error")
            response = fault_response(app, "server_error")
        elif faults.roll("rate_429"):
            hub.count_fault(name, "rate_limit")
            response = fault_response(app, "rate_limit")
            if response.status != 429:
                hub.count_fault(name, f"rate_limit_as_{response.status}")
        else:
            try:
                response = app.handle(request)
            except DropResponse:
                hub.count_fault(name, "drop_after_commit")
                hub.count(name, key, 0)
                hub.record(name, key, 0, request.bearer, None)
                self.close_connection = True
                return
            except Exception:  # an emulation bug must not leak a trace to the client
                log.exception("sandbox app %s failed on %s %s", name, request.method, request.path)
                response = fault_response(app, "server_error")
        hub.count(name, key, response.status)
        hub.record(name, key, response.status, request.bearer, response.headers.get("Retry-After"))
        if hub.transcript is not None:
            ctype = request.headers.get("content-type")
            hub.transcript.write(
                request.method, self.path, ctype, body, response.status, response.body
            )
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for header, value in response.headers.items():
            self.send_header(header, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, ssl.SSLError, TimeoutError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_GET


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threaded HTTPS server whose TLS handshake happens in the connection's thread."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], hub: Hub, tls: ssl.SSLContext | None) -> None:
        self.hub = hub
        self.tls = tls
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is not None:
            try:
                request.settimeout(30)
                request = self.tls.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (OSError, ssl.SSLError):
                return
        try:
            super().finish_request(request, client_address)
        finally:
            if self.tls is not None:
                with contextlib.suppress(OSError):
                    request.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error from %s", client_address, exc_info=True)
