"""The seam between the sandbox's HTTP server and the CRM emulations it serves.

The server (``_server.py``) parses each request into a :class:`Request`, offers it to each
mounted :class:`App` in turn, and writes back the :class:`Response` of the first that
answers.  Salesforce and HubSpot are separate apps, so each speaks its own API's shapes
(error bodies, headers) without knowing about the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["App", "DropResponse", "Request", "Response", "json_response"]


@dataclass
class Request:
    """One parsed HTTP request; header names are lower-case, query keys may repeat."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` on malformed JSON)."""
        return json.loads(self.body.decode("utf-8") or "null")

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def params(self, name: str) -> list[str]:
        """All values of a query parameter, accepting repeated keys and comma lists."""
        out: list[str] = []
        for value in self.query.get(name, []):
            out.extend(v for v in value.split(",") if v)
        return out

    @property
    def bearer(self) -> str | None:
        """The bearer token of the Authorization header, if any."""
        auth = self.headers.get("authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else None


@dataclass
class Response:
    """What an app answers: status, body bytes and headers."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class DropResponse(Exception):
    """Raised by an app after committing a write to make the server drop the reply (fault)."""


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with the right content type."""
    hdrs = {"Content-Type": "application/json;charset=UTF-8"}
    hdrs.update(headers or {})
    return Response(status, json.dumps(payload, separators=(",", ":")).encode("utf-8"), hdrs)


class App(Protocol):
    """A CRM emulation mounted on the sandbox server."""

    name: str

    def handles(self, request: Request) -> bool:
        """Whether this app serves the request's path."""
        ...

    def handle(self, request: Request) -> Response:
        """Answer the request (raise :class:`DropResponse` to simulate a lost reply)."""
        ...

    def stats(self) -> dict[str, Any]:
        """App-specific counters for ``/_sandbox/stats``."""
        ...

    def snapshot(self) -> dict[str, Any]:
        """All of the app's data as JSON-able objects, for assertions."""
        ...

    def reset(self) -> None:
        """Drop all data and counters."""
        ...

    def mutate(self, count: int, seed: int) -> list[str]:
        """Change ``count`` open deals the way reps do (a meeting held, a stage moved, a
        next step edited); return the changed deal ids.  Used by the demo and sync tests."""
        ...
