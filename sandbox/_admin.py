"""The sandbox's own admin API under ``/_sandbox/``: stats, faults, reset, snapshot, mutate,
requests (the recent request log, in order, with times and hashed tokens), clock (make time
pass: ``{"advance_s": N}``).

Tests, the demo and benchmarks use it to assert what a client did (requests per endpoint,
rate-limit answers, records written), to change faults at run time, and to make reps "work"
deals between two syncs.  It needs no credentials: the sandbox only listens on loopback.
"""

from __future__ import annotations

from typing import Any

from . import _clock as clock
from ._http import Request, Response, json_response

__all__ = ["handle_admin"]


def _error(status: int, message: str) -> Response:
    return json_response(status, {"error": message})


def stats(hub: Any) -> dict[str, Any]:
    """Requests per endpoint and method, statuses, injected faults and each app's counters."""
    out: dict[str, Any] = {"apps": {}, **hub.notes}
    with hub.lock:
        names = [app.name for app in hub.apps] + [
            n for n in hub.requests if n not in {a.name for a in hub.apps}
        ]
        for name in names:
            statuses = dict(hub.statuses.get(name, {}))
            injected = dict(hub.injected.get(name, {}))
            # Injected rate limits answered with another status (Salesforce: 503) count too.
            other = sum(v for k, v in injected.items() if k.startswith("rate_limit_as_"))
            out["apps"][name] = {
                "requests": dict(sorted(hub.requests.get(name, {}).items())),
                "total_requests": sum(hub.requests.get(name, {}).values()),
                "statuses": statuses,
                "rate_limited": statuses.get("429", 0) + other,
                "injected_faults": injected,
            }
    for app in hub.apps:
        out["apps"].setdefault(app.name, {}).update(app.stats())
    return out


def _mutate(hub: Any, request: Request) -> Response:
    try:
        body = request.json() or {}
        count = int(body.get("count", 1))
        seed = int(body.get("seed", 0))
    except (ValueError, TypeError, AttributeError):
        return _error(400, 'expected JSON {"count": N, "seed": S}')
    changed = {app.name: app.mutate(count, seed) for app in hub.apps}
    return json_response(200, {"changed": changed})


def handle_admin(hub: Any, request: Request) -> Response:
    """Answer one ``/_sandbox/...`` request."""
    action = request.path.removeprefix("/_sandbox").strip("/")
    method = request.method
    if action == "stats" and method == "GET":
        return json_response(200, stats(hub))
    if action == "faults" and method == "GET":
        return json_response(200, hub.faults.to_dict())
    if action == "faults" and method in ("POST", "PATCH", "PUT"):
        try:
            changes = request.json()
            if not isinstance(changes, dict):
                raise ValueError("expected a JSON object of fault settings")
            hub.faults.update(changes)
        except ValueError as exc:
            return _error(400, str(exc))
        return json_response(200, hub.faults.to_dict())
    if action == "reset" and method == "POST":
        if hub.reset_hook is not None:
            hub.reset_hook()
        else:
            for app in hub.apps:
                app.reset()
        hub.clear_counters()
        return json_response(200, {"reset": True})
    if action == "requests" and method == "GET":
        with hub.lock:
            entries = list(getattr(hub, "log", ()))
        return json_response(200, {"requests": entries})
    if action == "snapshot" and method == "GET":
        return json_response(200, {app.name: app.snapshot() for app in hub.apps})
    if action == "mutate" and method == "POST":
        return _mutate(hub, request)
    if action == "clock" and method == "GET":
        return json_response(200, {"offset_s": clock.offset(), "now": clock.now()})
    if action == "clock" and method == "POST":
        try:
            body = request.json() or {}
            offset = clock.advance(float(body.get("advance_s", 0)))
        except (ValueError, TypeError, AttributeError) as exc:
            return _error(400, f'expected JSON {{"advance_s": N}} with N >= 0 ({exc})')
        return json_response(200, {"offset_s": offset, "now": clock.now()})
    if action in ("stats", "faults", "reset", "snapshot", "mutate", "requests", "clock"):
        return _error(405, f"method {method} not allowed on /_sandbox/{action}")
    return _error(404, f"unknown admin endpoint /_sandbox/{action}")
