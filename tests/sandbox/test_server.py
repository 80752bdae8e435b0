"""The HTTP server itself: TLS, keep-alive, dispatch and what a failing app looks like to clients."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nextadvance.sandbox import FaultPlan, Sandbox
from nextadvance.sandbox._http import Request, Response, json_response
from nextadvance.sandbox._server import Hub, SandboxHTTPServer, endpoint_pattern
from nextadvance.sandbox._tls import make_tls, server_context


class _BrokenApp:
    """An app whose handler fails, standing in for an emulation bug."""

    name = "salesforce"

    def handles(self, request: Request) -> bool:
        return request.path.startswith("/services/")

    def handle(self, request: Request) -> Response:
        raise KeyError("internal detail that must not leak")

    def fault_response(self, kind: str) -> Response:
        return json_response(503, [{"errorCode": "SERVER_UNAVAILABLE", "message": kind}])

    def stats(self) -> dict[str, Any]:
        return {}

    def snapshot(self) -> dict[str, Any]:
        return {}

    def reset(self) -> None:
        pass

    def mutate(self, count: int, seed: int) -> list[str]:
        return []


@pytest.fixture
def broken_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A server mounting only the broken app."""
    tls = make_tls(tmp_path)
    server = SandboxHTTPServer(
        ("127.0.0.1", 0), Hub([_BrokenApp()], FaultPlan()), server_context(tls)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], tls.ca_path
    server.shutdown()
    server.server_close()


def test_an_app_failure_is_a_json_error_without_a_trace(broken_server: tuple[int, Path]) -> None:
    """An exception inside an app becomes the API's 503 shape; nothing of the exception leaks."""
    port, ca = broken_server
    conn = http.client.HTTPSConnection(
        "127.0.0.1", port, context=ssl.create_default_context(cafile=str(ca))
    )
    conn.request("GET", "/services/data/v59.0/query?q=x")
    resp = conn.getresponse()
    body = resp.read().decode()
    assert resp.status == 503
    assert json.loads(body)[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert "Traceback" not in body and "internal detail" not in body


def test_keep_alive_serves_many_requests_on_one_tls_connection(sandbox: Sandbox) -> None:
    """HTTP/1.1 with Content-Length: one connection carries several requests."""
    conn = http.client.HTTPSConnection(
        "127.0.0.1",
        int(sandbox.base_url.rsplit(":", 1)[1]),
        context=ssl.create_default_context(cafile=str(sandbox.ca_path)),
    )
    headers = {"Authorization": f"Bearer {sandbox.salesforce_credentials['session_id']}"}
    sockets = set()
    for _ in range(3):
        conn.request("GET", "/services/data/v59.0/limits", headers=headers)
        resp = conn.getresponse()
        assert resp.status == 200 and resp.version == 11
        json.loads(resp.read())
        sockets.add(id(conn.sock))
    assert len(sockets) == 1


def test_endpoint_patterns_hide_ids_and_versions() -> None:
    """Stats keys group requests by endpoint, not by record."""
    assert endpoint_pattern("/services/data/v59.0/sobjects/Task/00T5g000000007gEAA") == (
        "/services/data/vXX.X/sobjects/Task/{id}"
    )
    assert endpoint_pattern("/crm/v3/objects/deals/123") == "/crm/v3/objects/deals/{id}"


def test_unknown_paths_answer_in_the_nearest_api_shape(sandbox: Sandbox, sandbox_http: Any) -> None:
    """A path no app serves is a 404 in HubSpot's shape (or Salesforce's under /services)."""
    resp = sandbox_http(sandbox).get(f"{sandbox.base_url}/nowhere")
    assert resp.status_code == 404
    assert isinstance(resp.json(), dict)
