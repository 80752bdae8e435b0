"""HubSpot's legacy v1/v2 endpoints that widely used clients still call, and which the real
API still serves: v1/v2 property lists, v2 companies and v1 deals (paged and by id), v1
engagements, v1 pipelines, and OAuth token introspection.

They are views over the same portal as the v3 API, in the legacy shapes: integer ids, every
property as ``{"value", "timestamp", "source", "sourceId", "versions"}`` with datetimes as
epoch-millisecond strings, offset paging with ``hasMore``/``has-more``.  References:
developers.hubspot.com/docs/api-reference/legacy (companies v2 "Get all companies",
deals v1 "Get all deals", engagements v1 "Get all engagements" / "Get recent engagements",
properties v1/v2 "Get all properties", crm-pipelines v1 "Get all pipelines",
oauth v1 "Get OAuth 2.0 access token metadata").
"""

from __future__ import annotations

from typing import Any

from .._http import Request, Response, json_response
from ._crm import Portal
from ._errors import ApiError, error, not_found
from ._legacy_shapes import crm_pipeline, engagement_metadata, v1_pipeline, v1_prop, version
from ._schema import OBJECT_TYPES, ObjectType, PropDef, resolve_type
from ._store import Record

__all__ = ["LEGACY_PREFIXES", "PORTAL_ID", "LegacyRoutes", "is_legacy"]

PORTAL_ID = 62515
_PAGE_MAX = 250
_ENGAGEMENTS = {
    "calls": "CALL",
    "emails": "EMAIL",
    "meetings": "MEETING",
    "notes": "NOTE",
    "tasks": "TASK",
}
LEGACY_PREFIXES = (
    "/properties/v1/",
    "/properties/v2/",
    "/companies/v2/",
    "/deals/v1/",
    "/engagements/v1/",
    "/crm-pipelines/v1/",
    "/oauth/v1/access-tokens/",
)
# Default ticket pipeline of every portal (legacy and v3 pipelines APIs list it).
_TICKET_STAGES = (
    ("1", "New"),
    ("2", "Waiting on contact"),
    ("3", "Waiting on us"),
    ("4", "Closed"),
)


def is_legacy(path: str) -> bool:
    """Whether ``path`` is one of the legacy endpoints served here."""
    return path.startswith(LEGACY_PREFIXES)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError as exc:
        raise ApiError(error(400, "VALIDATION_ERROR", f"Not a number: {value}")) from exc


class LegacyRoutes:
    """Handlers for the legacy paths (all GET)."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def handle(self, request: Request, parts: list[str], scopes: frozenset[str]) -> Response:
        """Route one legacy request; unknown legacy paths get HubSpot's 404."""
        if request.method != "GET":
            raise not_found(f"No HubSpot endpoint {request.method} {request.path}")
        head = parts[:2]
        if head in (["properties", "v1"], ["properties", "v2"]) and parts[3:] == ["properties"]:
            return self._properties(parts[2])
        if parts == ["companies", "v2", "properties"]:
            return self._properties("companies")
        if parts == ["companies", "v2", "companies", "paged"]:
            return self._paged(request, OBJECT_TYPES["companies"], "companies", "has-more")
        if parts[:3] == ["companies", "v2", "companies"] and len(parts) == 4:
            return self._one(OBJECT_TYPES["companies"], parts[3], "companyId")
        if parts == ["deals", "v1", "deal", "paged"]:
            return self._paged(request, OBJECT_TYPES["deals"], "deals", "hasMore")
        if parts[:3] == ["deals", "v1", "deal"] and len(parts) == 4:
            return self._one(OBJECT_TYPES["deals"], parts[3], "dealId")
        if parts == ["deals", "v1", "pipelines"]:
            pipes = self.portal.pipelines
            return json_response(200, [v1_pipeline(pipes, pid) for pid in pipes])
        if parts[:3] == ["crm-pipelines", "v1", "pipelines"] and len(parts) == 4:
            return self._crm_pipelines(parts[3])
        if head == ["engagements", "v1"]:
            return self._engagements(request, parts[2:])
        if parts[:3] == ["oauth", "v1", "access-tokens"] and len(parts) == 4:
            return self._token_info(parts[3], scopes)
        raise not_found(f"No HubSpot endpoint {request.method} {request.path}")

    # -- properties -----------------------------------------------------------------------
    def _properties(self, type_name: str) -> Response:
        if type_name in ("form", "forms"):
            # Marketing forms are not emulated (the portal has none); this lists only the
            # basic form attributes, where a real portal lists its forms' fields too.
            props = [
                PropDef(n, label, typ, ft, "forminformation")
                for n, label, typ, ft in (
                    ("name", "Form name", "string", "text"),
                    ("guid", "Form ID", "string", "text"),
                    ("createdAt", "Created at", "datetime", "date"),
                    ("updatedAt", "Updated at", "datetime", "date"),
                )
            ]
            return json_response(200, [v1_prop(p) for p in props])
        t = resolve_type(type_name)
        if t is None:
            raise not_found(f"Unable to infer object type from: {type_name}")
        return json_response(200, [v1_prop(p) for p in self.portal.props[t.name].values()])

    # -- records ----------------------------------------------------------------------------
    def _v1_record(self, t: ObjectType, rec: Record, names: list[str] | None) -> dict[str, Any]:
        defs = self.portal.props[t.name]
        wanted = list(defs) if names is None else [n for n in names if n in defs]
        props: dict[str, Any] = {}
        for name in wanted:
            value = self._raw(t, rec, name)
            if value is None:
                continue
            props[name] = version(name, value, rec.updated_ms)
        return {
            "portalId": PORTAL_ID,
            "isDeleted": rec.archived_ms is not None,
            "properties": props,
        }

    def _raw(self, t: ObjectType, rec: Record, name: str) -> str | None:
        """A value as the legacy APIs show it: datetimes as epoch-ms strings."""
        if name == t.created_prop:
            return str(rec.created_ms)
        if name == t.modified_prop:
            return str(rec.updated_ms)
        value = self.portal.value(t, rec, name)
        if value and name in self.portal.datetimes[t.name]:
            stored = self.portal.stores[t.name].value(rec, name)
            return stored if stored and stored.isdigit() else value
        return value

    def _associations(self, rec: Record, t: ObjectType) -> dict[str, list[int]]:
        def ids(to: str) -> list[int]:
            return sorted(self.portal.assoc.targets(t.name, rec.id, to))

        return {
            "associatedVids": ids("contacts"),
            "associatedCompanyIds": ids("companies"),
            "associatedDealIds": ids("deals"),
            "associatedTicketIds": ids("tickets"),
        }

    def _paged(self, request: Request, t: ObjectType, key: str, more_key: str) -> Response:
        """v2 companies / v1 deals "get all": ``offset`` is the last id of the previous page."""
        limit = min(max(_int(request.param("limit") or request.param("count"), 100), 1), _PAGE_MAX)
        offset = _int(request.param("offset"), 0)
        names: list[str] | None = request.params("properties") or []
        if (request.param("includeAllProperties") or "").lower() == "true":
            names = None
        id_key = "companyId" if t.name == "companies" else "dealId"
        assoc = (request.param("includeAssociations") or "").lower() == "true"
        with self.portal.lock:
            recs, nxt = self.portal.stores[t.name].page(offset, limit)
            rows = []
            for rec in recs:
                row = {id_key: rec.id, **self._v1_record(t, rec, names)}
                if assoc:
                    row["associations"] = self._associations(rec, t)
                rows.append(row)
        last = recs[-1].id if recs else offset
        return json_response(200, {key: rows, more_key: nxt is not None, "offset": last})

    def _one(self, t: ObjectType, raw_id: str, id_key: str) -> Response:
        rid = _int(raw_id, -1)
        with self.portal.lock:
            rec = self.portal.stores[t.name].get(rid)
            if rec is None:
                raise ApiError(
                    error(404, "OBJECT_NOT_FOUND", f"{t.singular} not found", objectId=raw_id)
                )
            row = {id_key: rec.id, **self._v1_record(t, rec, None)}
            row["associations"] = self._associations(rec, t)
        return json_response(200, row)

    # -- engagements ---------------------------------------------------------------------
    def _all_engagements(self) -> list[tuple[str, Record]]:
        out: list[tuple[str, Record]] = []
        for name in _ENGAGEMENTS:
            store = self.portal.stores[name]
            out.extend((name, store.records[i]) for i in store.active_ids)
        return out

    def _engagements(self, request: Request, rest: list[str]) -> Response:
        limit = min(max(_int(request.param("limit") or request.param("count"), 100), 1), _PAGE_MAX)
        with self.portal.lock:
            rows = self._all_engagements()
            if rest == ["engagements", "paged"]:
                # Get all engagements: id order, ``offset`` = last id returned.
                offset = _int(request.param("offset"), 0)
                rows.sort(key=lambda r: r[1].id)
                page = [r for r in rows if r[1].id > offset][:limit]
                more = bool(page) and page[-1][1].id < rows[-1][1].id
                last = page[-1][1].id if page else offset
                body = {
                    "results": [self._engagement(n, r) for n, r in page],
                    "hasMore": more,
                    "offset": last,
                }
                return json_response(200, body)
            if rest in (
                ["engagements", "recent", "modified"],
                ["engagements", "modified", "after"],
            ):
                return json_response(200, self._modified(request, rest, rows, limit))
            if len(rest) == 2 and rest[0] == "engagements":
                rid = _int(rest[1], -1)
                for name, rec in rows:
                    if rec.id == rid:
                        return json_response(200, self._engagement(name, rec))
                raise not_found(f"Engagement {rest[1]} not found")
        raise not_found(f"No HubSpot endpoint GET /engagements/v1/{'/'.join(rest)}")

    def _modified(
        self, request: Request, rest: list[str], rows: list[tuple[str, Record]], limit: int
    ) -> dict[str, Any]:
        """Recently modified engagements, oldest first by (lastUpdated, id).

        ``recent/modified`` takes ``since`` (epoch ms) and an integer ``offset``;
        ``modified/after`` takes ``after``: epoch ms at first, then the opaque cursor of the
        previous answer (``<lastUpdated>-<id>``).
        """
        rows.sort(key=lambda r: (r[1].updated_ms, r[1].id))
        if rest[1] == "recent":
            since = _int(request.param("since"), 0)
            start = _int(request.param("offset"), 0)
            hits = [r for r in rows if r[1].updated_ms >= since]
            page = hits[start : start + limit]
            return {
                "results": [self._engagement(n, r) for n, r in page],
                "hasMore": start + limit < len(hits),
                "offset": start + len(page),
                "total": len(hits),
            }
        after = request.param("after") or "0"
        if "-" in after:
            ms, _, rid = after.partition("-")
            key = (_int(ms, 0), _int(rid, 0))
            hits = [r for r in rows if (r[1].updated_ms, r[1].id) > key]
        else:
            since = _int(after, 0)
            hits = [r for r in rows if r[1].updated_ms >= since]
        page = hits[:limit]
        cursor = f"{page[-1][1].updated_ms}-{page[-1][1].id}" if page else after
        return {
            "results": [self._engagement(n, r) for n, r in page],
            "hasMore": len(hits) > limit,
            "after": cursor,
        }

    def _engagement(self, name: str, rec: Record) -> dict[str, Any]:
        t = OBJECT_TYPES[name]

        def val(prop: str) -> str | None:
            return self.portal.value(t, rec, prop)

        def ids(to: str) -> list[int]:
            return sorted(self.portal.assoc.targets(name, rec.id, to))

        owner = val("hubspot_owner_id")
        stamp = self.portal.stores[name].value(rec, "hs_timestamp")
        engagement = {
            "id": rec.id,
            "portalId": PORTAL_ID,
            "active": True,
            "createdAt": rec.created_ms,
            "lastUpdated": rec.updated_ms,
            "type": _ENGAGEMENTS[name],
            "timestamp": int(stamp) if stamp and stamp.isdigit() else rec.created_ms,
        }
        if owner and owner.isdigit():
            engagement["ownerId"] = int(owner)
        return {
            "engagement": engagement,
            "associations": {
                "contactIds": ids("contacts"),
                "companyIds": ids("companies"),
                "dealIds": ids("deals"),
                "ownerIds": [],
                "workflowIds": [],
                "ticketIds": ids("tickets"),
            },
            "attachments": [],
            "metadata": engagement_metadata(name, val),
        }

    # -- pipelines and tokens --------------------------------------------------------------
    def _crm_pipelines(self, object_type: str) -> Response:
        if object_type == "deals":
            pipes = self.portal.pipelines
            return json_response(200, {"results": [crm_pipeline(pipes, pid) for pid in pipes]})
        if object_type == "tickets":
            stages = [
                {
                    "stageId": sid,
                    "label": label,
                    "displayOrder": i,
                    "active": True,
                    "metadata": {"ticketState": "CLOSED" if sid == "4" else "OPEN"},
                }
                for i, (sid, label) in enumerate(_TICKET_STAGES)
            ]
            pipeline = {
                "pipelineId": "0",
                "objectType": "TICKET",
                "label": "Support Pipeline",
                "displayOrder": 0,
                "active": True,
                "stages": stages,
            }
            return json_response(200, {"results": [pipeline]})
        raise ApiError(
            error(400, "VALIDATION_ERROR", f"Unable to infer object type from: {object_type}")
        )

    def _token_info(self, token: str, scopes: frozenset[str]) -> Response:
        """Token metadata: only for a token this portal issued (else 404, as HubSpot)."""
        if not scopes:
            raise not_found("Token not found")
        return json_response(
            200,
            {
                "token": token,
                "user": "integration@sandbox.example-seller.test",
                "hub_domain": "sandbox.example-seller.test",
                "scopes": sorted(scopes),
                "scope_to_scope_group_pks": [],
                "hub_id": PORTAL_ID,
                "app_id": 1000001,
                "expires_in": 1800,
                "user_id": 70000001,
                "token_type": "access",
            },
        )
