"""The Salesforce REST emulation mounted on the sandbox server (``/services/...``).

Routes a request to the token endpoint or, after checking the session and the daily API
limit, to query / sobjects / composite handlers.  Every REST response carries
``Sforce-Limit-Info``.  Faults specific to Salesforce live here: human edits before our
updates, replies dropped after a committed write; the generic ones (slow, 5xx, rate limit,
timeout) are applied by the server, answered in Salesforce's shapes by :meth:`fault_response`.
"""

from __future__ import annotations

import random
import re
import threading
from typing import Any

from .._faults import FaultPlan
from .._http import DropResponse, Request, Response, json_response
from .._world import World
from ._auth import Auth, sf_error
from ._bulk import BulkJobs
from ._collections import handle_collections
from ._cursors import Cursors
from ._limits import org_limits
from ._load import INTEGRATION_USER, load_world
from ._mutate import human_edit, mutate_opportunities
from ._records import Ctx, full_record, handle_sobjects
from ._schema import build_schema
from ._store import Store
from ._uiapi import picklist_values

__all__ = ["SalesforceApp"]

_DATA = re.compile(r"^/services/data/v(\d+\.\d+)(?:/(.*))?$")
_ASYNC = re.compile(r"^/services/async/(\d+\.\d+)/(.+)$")
_VERSIONS = ("55.0", "56.0", "57.0", "58.0", "59.0", "60.0", "61.0", "62.0")


class SalesforceApp:
    """One emulated org, filled from ``world`` (None: only users and stages)."""

    name = "salesforce"

    def __init__(
        self,
        world: World | None,
        faults: FaultPlan,
        custom_fields: bool = True,
        org: str = "stock",
    ) -> None:
        self.faults = faults
        self.custom_fields = custom_fields
        self.org = org
        self.auth = Auth(faults, world.seed if world is not None else 0)
        self._lock = threading.Lock()
        self.human_edits = 0
        self._load(world)

    def _load(self, world: World | None) -> None:
        self.store = Store(build_schema(self.custom_fields, self.org))
        if world is not None:
            load_world(self.store, world, self.org)
        self.cursors = Cursors(self.store)
        self.bulk = BulkJobs(self.store)
        self._edit_rng = random.Random(f"{self.faults.seed}:human_edit_values")

    # -- App protocol -------------------------------------------------------------------
    def handles(self, request: Request) -> bool:
        """Everything under ``/services/``."""
        return request.path.startswith("/services/") or request.path == "/services"

    def credentials(self) -> dict[str, str]:
        """Sandbox-only invented credentials (the server adds ``instance_url``)."""
        return self.auth.credentials()

    def fault_response(self, kind: str) -> Response:
        """An injected fault in Salesforce's shape (rate limit answered 503, see docs)."""
        headers = self.auth.usage_header()
        if kind == "rate_limit":
            return sf_error(
                503,
                "SERVER_UNAVAILABLE",
                "Too many requests: server is temporarily unable to serve, retry later",
                headers,
            )
        if kind == "not_found":
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist", headers)
        return sf_error(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable", headers)

    def handle(self, request: Request) -> Response:
        """Answer one request (see the module docstring for the order of checks)."""
        self.auth.observe_faults()
        path = request.path.rstrip("/") or "/"
        if path == "/services/oauth2/token":
            host = request.headers.get("host", "127.0.0.1")
            return self.auth.token_endpoint(request, f"https://{host}")
        headers = self.auth.usage_header()
        if path.startswith("/services/async/"):
            return self._bulk_v1(request, path)
        if not (path == "/services/data" or path.startswith("/services/data/")):
            # Not an API path at all: the org answers 404 whatever the credentials.
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist", headers)
        if not self.auth.valid(request.bearer):
            return sf_error(401, "INVALID_SESSION_ID", "Session expired or invalid", headers)
        if path == "/services/data":
            return json_response(
                200,
                [
                    {"label": f"v{v}", "url": f"/services/data/v{v}", "version": v}
                    for v in _VERSIONS
                ],
                headers,
            )
        m = _DATA.match(path)
        if m is None:
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist", headers)
        refused = self.auth.spend()
        if refused is not None:
            return refused
        headers = self.auth.usage_header()
        version, rest = m.group(1), m.group(2) or ""
        parts = [p for p in rest.split("/") if p]
        ctx = Ctx(
            self.store, version, headers, INTEGRATION_USER, self._before_update, self._after_commit
        )
        return self._route(ctx, request, parts)

    def _route(self, ctx: Ctx, request: Request, parts: list[str]) -> Response:
        version, headers = ctx.version, ctx.headers
        if not parts:
            names = ("sobjects", "query", "queryAll", "composite", "limits", "jobs")
            return json_response(200, {n: f"/services/data/v{version}/{n}" for n in names}, headers)
        head = parts[0]
        if head in ("query", "queryAll") and request.method == "GET":
            if len(parts) == 1:
                return self.cursors.run(request, version, head, headers)
            if len(parts) == 2:
                return self.cursors.more(parts[1], version, request, headers)
        if head == "sobjects":
            return handle_sobjects(ctx, request, parts[1:])
        if head == "composite" and len(parts) >= 2 and parts[1] == "sobjects":
            return handle_collections(ctx, request, parts[2:], self.faults)
        if head == "limits" and request.method == "GET":
            limit = self.faults.daily_limit or 5_000_000
            v2_jobs = sum(1 for j in self.bulk.jobs.values() if j.api == "2.0")
            body = org_limits(limit, self.auth.used, self.bulk.batches_used, v2_jobs)
            return json_response(200, body, headers)
        ui_api = head == "ui-api" and len(parts) == 6 and parts[1] == "object-info"
        if ui_api and parts[3] == "picklist-values" and request.method == "GET":
            values = picklist_values(self.store, version, parts[2], parts[4], parts[5])
            if values is not None:
                return json_response(200, values, headers)
        if head == "jobs" and len(parts) >= 2 and parts[1] in ("query", "ingest"):
            return self.bulk.v2(ctx, request, parts)
        return sf_error(404, "NOT_FOUND", "The requested resource does not exist", headers)

    def _bulk_v1(self, request: Request, path: str) -> Response:
        """Bulk API 1.0: the session travels in ``X-SFDC-Session``; a bad one is Bulk's own
        400 ``InvalidSessionId`` (Bulk API Developer Guide, "Errors"), not REST's 401."""
        m = _ASYNC.match(path)
        session = request.headers.get("x-sfdc-session")
        if m is None:
            return json_response(
                404, {"exceptionCode": "InvalidUrl", "exceptionMessage": "Invalid URL"}
            )
        if not self.auth.valid(session):
            return json_response(
                400, {"exceptionCode": "InvalidSessionId", "exceptionMessage": "Invalid session id"}
            )
        refused = self.auth.spend()
        if refused is not None:
            return refused
        ctx = Ctx(
            self.store,
            m.group(1),
            {},
            INTEGRATION_USER,
            self._before_update,
            self._after_commit,
        )
        return self.bulk.v1(ctx, request, [p for p in m.group(2).split("/") if p])

    def _before_update(self, type_name: str, record_id: str) -> None:
        if type_name in ("Opportunity", "Task") and self.faults.roll("human_edit"):
            with self._lock:
                human_edit(self.store, type_name.lower(), record_id, self._edit_rng)
                self.human_edits += 1

    def _after_commit(self) -> None:
        if self.faults.roll("drop_after_commit"):
            raise DropResponse()

    def stats(self) -> dict[str, Any]:
        """Records written per object, queries run, API usage, human edits."""
        live = {name: self.store.live_count(name) for name in ("opportunity", "task", "event")}
        return {
            "records_written": dict(self.store.written),
            "records_written_total": sum(self.store.written.values()),
            "queries": self.cursors.queries,
            "human_edits": self.human_edits,
            "live_records": live,
            **self.auth.stats(),
        }

    def snapshot(self) -> dict[str, Any]:
        """Every record (deleted ones included, flagged IsDeleted) by object name."""
        out: dict[str, Any] = {}
        for name, obj in self.store.schema.items():
            out[obj.name] = [full_record(obj, row, "59.0") for row in self.store.rows(name)]
        return out

    def reset(self) -> None:
        """Drop all data and counters (the sandbox reloads its world on ``/_sandbox/reset``)."""
        self._load(None)
        self.human_edits = 0
        self.auth.used = 0

    def mutate(self, count: int, seed: int) -> list[str]:
        """Work ``count`` open opportunities as reps do; returns their ids."""
        with self._lock:
            return mutate_opportunities(self.store, count, seed)
