"""The HubSpot emulation mounted on the sandbox server (see ``sandbox/_http.App``).

It checks the token (401/403), applies HubSpot's rate limits (429 with the real body and
headers), routes to the object, metadata and association handlers, and turns every handler
error into HubSpot's error shape.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

from .._faults import FaultPlan
from .._http import Request, Response, json_response
from .._world import World
from ._assoc_routes import AssocRoutes
from ._auth import (
    ALL_SCOPES,
    CLIENT_ID,
    CLIENT_SECRET,
    PRIVATE_APP_TOKEN,
    REFRESH_TOKEN,
    Auth,
)
from ._crm import Portal
from ._errors import ApiError, error, rate_limited
from ._legacy import LEGACY_PREFIXES, LegacyRoutes, is_legacy
from ._limits import RateLimiter
from ._load import load_world, mutate
from ._meta import MetaRoutes
from ._objects import ObjectRoutes
from ._schema import OBJECT_TYPES, PropDef, resolve_type
from ._search import SEARCH_CAP

__all__ = ["HubSpotApp"]

_PREFIXES = ("/crm/", "/oauth/", "/calling/v1/", *LEGACY_PREFIXES)
# HubSpot's date-versioned paths (``/oauth/2026-03/token``): the same endpoints as v1.
_DATED = re.compile(r"^\d{4}-\d{2}$")


class HubSpotApp:
    """HubSpot CRM v3/v4 subset over the sandbox's HTTP seam.

    ``world``: generated data to load (None: an empty portal).  ``nextadvance_group``: create
    the custom property group ``nextadvance`` with the unique task property ``na_task_key``, so
    tasks can be upserted by key (default on; off to test ``setup`` creating them).
    ``scopes``: the scopes of the built-in tokens (drop one to provoke 403 MISSING_SCOPES).
    ``search_cap``: results one search query may page through (HubSpot: 10,000; lower it in
    tests to reach the cap with a small world).
    """

    name = "hubspot"

    def __init__(
        self,
        world: World | None,
        faults: FaultPlan,
        nextadvance_group: bool = True,
        scopes: frozenset[str] = ALL_SCOPES,
        search_cap: int = SEARCH_CAP,
    ) -> None:
        self.world = world
        self.faults = faults
        self.nextadvance_group = nextadvance_group
        self.scopes = scopes
        self.search_cap = search_cap
        self._lock = threading.Lock()
        self._counters: Counter[str] = Counter()
        self.auth = Auth(faults, scopes)
        self.limiter = RateLimiter(faults)
        self._build()

    def _build(self) -> None:
        self.portal = Portal()
        if self.nextadvance_group:
            self.portal.add_group("tasks", "nextadvance", "NextAdvance")
            self.portal.add_property(
                "tasks",
                PropDef(
                    "na_task_key",
                    "NextAdvance task key",
                    "string",
                    "text",
                    "nextadvance",
                    unique=True,
                    hubspot_defined=False,
                ),
            )
            self.portal.add_property(
                "tasks",
                PropDef(
                    "na_written",
                    "NextAdvance written",
                    "string",
                    "text",
                    "nextadvance",
                    hubspot_defined=False,
                ),
            )
        if self.world is not None:
            load_world(self.portal, self.world)
        self.objects = ObjectRoutes(self.portal, self.faults, self._count)
        self.objects.search_cap = self.search_cap
        self.meta = MetaRoutes(self.portal)
        self.assoc = AssocRoutes(self.portal)
        self.legacy = LegacyRoutes(self.portal)

    def credentials(self) -> dict[str, str]:
        """The sandbox-only invented credentials: private-app token and OAuth client."""
        return {
            "access_token": PRIVATE_APP_TOKEN,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN,
        }

    def _count(self, name: str, amount: int) -> None:
        with self._lock:
            self._counters[name] += amount

    # -- App protocol -------------------------------------------------------------------
    def handles(self, request: Request) -> bool:
        """HubSpot's API paths (CRM v3/v4, OAuth v1, calling dispositions)."""
        return request.path.startswith(_PREFIXES)

    def handle(self, request: Request) -> Response:
        """Authenticate, rate-limit, route; errors come back in HubSpot's shape."""
        parts = [p for p in request.path.split("/") if p]
        if parts[:1] == ["oauth"] and len(parts) >= 3 and _DATED.match(parts[1]):
            parts[1] = "v1"
        if parts == ["oauth", "v1", "token"] and request.method == "POST":
            return self.auth.token_endpoint(request)
        if parts[:3] == ["oauth", "v1", "access-tokens"] and len(parts) == 4:
            # Token metadata: the token is in the path, no Authorization header needed.
            try:
                return self.legacy.handle(request, parts, self.auth.scopes_of(parts[3]))
            except ApiError as exc:
                return exc.response
        token, denied = self.auth.check(request, _scope(request.method, parts))
        if denied is not None:
            self._count(f"auth_{denied.status}", 1)
            return denied
        search = request.method == "POST" and parts[-1:] == ["search"]
        limited, headers = self.limiter.admit(token, search)
        if limited is not None:
            self._count("rate_limited", 1)
            return limited
        try:
            if is_legacy(request.path):
                response = self.legacy.handle(request, parts, frozenset())
            else:
                response = self._route(request, parts)
        except ApiError as exc:
            response = exc.response
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            # A body of the wrong shape (a number where an object belongs ...): HubSpot
            # answers such input with a 400, never a server error.
            response = error(400, "VALIDATION_ERROR", f"Invalid input JSON: {exc}")
        response.headers.update(headers)
        return response

    def _route(self, request: Request, parts: list[str]) -> Response:
        head, rest = parts[:3], parts[3:]
        if head == ["crm", "v3", "objects"] and rest:
            t = resolve_type(rest[0])
            if t is None:
                raise ApiError(
                    error(400, "VALIDATION_ERROR", f"Unable to infer object type from: {rest[0]}")
                )
            return self.objects.handle(request, t, rest[1:])
        if head == ["crm", "v4", "objects"] and len(rest) == 1:
            # v4 object lists answer like v3 (the Stitch tap reads tickets there).
            t = resolve_type(rest[0])
            if t is not None:
                return self.objects.handle(request, t, [])
        if parts == ["crm", "v3", "schemas"] and request.method == "GET":
            # Custom object schemas: this portal defines none (a real portal answers 200).
            return json_response(200, {"results": []})
        if head == ["crm", "v3", "pipelines"]:
            return self.meta.pipelines(request, rest)
        if head == ["crm", "v3", "properties"]:
            return self.meta.properties(request, rest)
        if head == ["crm", "v3", "owners"] and request.method == "GET":
            return self.meta.owners(request, rest)
        if head == ["crm", "v4", "associations"] and len(rest) >= 4 and rest[2] == "batch":
            return self.assoc.assoc_batch(
                request,
                rest[0],
                rest[1],
                "/".join(rest[3:]).replace("associate/default", "default"),
            )
        if (
            head in (["crm", "v4", "associations"], ["crm", "v3", "associations"])
            and len(rest) == 3
            and rest[2] == ("labels" if head[1] == "v4" else "types")
            and request.method == "GET"
        ):
            return self.assoc.definitions(rest[0], rest[1], rest[2])
        if head == ["crm", "v4", "objects"] and len(rest) >= 3 and rest[2] == "associations":
            return self.assoc.assoc_object(request, rest)
        if parts == ["calling", "v1", "dispositions"] and request.method == "GET":
            return self.meta.dispositions()
        return error(
            404, "OBJECT_NOT_FOUND", f"No HubSpot endpoint {request.method} {request.path}"
        )

    def fault_response(self, kind: str) -> Response:
        """Server-injected faults in HubSpot's shapes (rate_limit, server_error, not_found)."""
        if kind == "rate_limit":
            retry = self.faults.retry_after_s
            return rate_limited(
                "TEN_SECONDLY_ROLLING",
                {} if retry is None else {"Retry-After": str(round(retry))},
            )
        if kind == "not_found":
            return error(404, "OBJECT_NOT_FOUND", "Resource not found")
        # HubSpot does not document its 5xx bodies; this keeps the standard error shape.
        return error(
            503,
            "INTERNAL_ERROR",
            "The service is temporarily unavailable. Please try again later.",
        )

    def stats(self) -> dict[str, Any]:
        """Counters: faults applied, auth refusals, 429s by policy, records per type."""
        with self._lock:
            counters = dict(self._counters)
        return {
            **counters,
            **self.limiter.stats(),
            "tokens_issued": self.auth.issued,
            "records": {name: len(store) for name, store in self.portal.stores.items()},
            "associations": self.portal.assoc.count(),
        }

    def snapshot(self) -> dict[str, Any]:
        """Every record (all properties), the associations, owners and human edits."""
        with self.portal.lock:
            objects = {}
            for name, t in OBJECT_TYPES.items():
                store = self.portal.stores[name]
                names = list(self.portal.props[name])
                objects[name] = [
                    self.portal.render(t, store.records[i], names)
                    for i in [*store.active_ids, *store.archived_ids]
                ]
            return {
                "objects": objects,
                "associations": self.portal.assoc.snapshot(),
                "owners": [o.id for o in self.portal.owners],
                "human_edits": list(self.objects.human_edits),
            }

    def reset(self) -> None:
        """Reload the portal from the world and forget counters (tokens stay valid)."""
        with self._lock:
            self._counters.clear()
        self.limiter.reset()
        self._build()

    def mutate(self, count: int, seed: int) -> list[str]:
        """Reps work ``count`` open deals (see ``_load.mutate``); returns their ids."""
        return mutate(self.portal, count, seed)


def _scope(method: str, parts: list[str]) -> str | None:
    """The scope a request needs (None: any valid token will do)."""
    write = method in ("POST", "PATCH", "PUT", "DELETE")
    if len(parts) >= 4 and parts[:3] in (
        ["crm", "v3", "objects"],
        ["crm", "v4", "objects"],
        ["crm", "v4", "associations"],
    ):
        t = resolve_type(parts[3])
        if t is None:
            return None
        read_only = parts[-1] in ("search", "read")
        return t.write_scope if write and not read_only else t.read_scope
    if parts[:3] == ["crm", "v3", "properties"] and len(parts) >= 4:
        t = resolve_type(parts[3])
        name = t.name if t and t.name in ("deals", "companies", "contacts") else "contacts"
        return f"crm.schemas.{name}.{'write' if write else 'read'}"
    if parts[:3] == ["crm", "v3", "owners"]:
        return "crm.objects.owners.read"
    if parts[:3] == ["crm", "v3", "pipelines"]:
        return "crm.objects.deals.read"
    return None
