"""Associations v4: batch read/create/associate-default/archive/labels-archive, the
single-record read and create endpoints and the type definitions (v4 labels, v3 types), in the shapes of hubspot-api-client 12's v4 models
(BatchResponsePublicAssociationMultiWithLabel, LabelsBetweenObjectPair ...).

Like HubSpot, linking or unlinking a contact and a deal recalculates the deal's
``num_associated_contacts``, and that change moves the deal's ``hs_lastmodifieddate``; adding
or removing only a label (the contact stays linked) moves no stamp.
"""

from __future__ import annotations

from typing import Any

from .._http import Request, Response, json_response
from . import _crm
from ._catalog import ASSOCIATION_TYPES, DEFAULT_ASSOC
from ._crm import Portal
from ._errors import not_found, standard_error, validation
from ._meta import _json, _rid, _type
from ._schema import ObjectType
from ._store import iso, now_ms

__all__ = ["AssocRoutes"]


class AssocRoutes:
    """Handlers for ``/crm/v4/associations/...`` and ``/crm/v4/objects/.../associations``."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def assoc_batch(self, request: Request, from_name: str, to_name: str, action: str) -> Response:
        """``POST /crm/v4/associations/{from}/{to}/batch/{read|create|associate/default|archive}``."""
        ft, tt = _type(from_name), _type(to_name)
        body = _json(request)
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(inputs, list):
            raise validation("Invalid input JSON: expected an object with an `inputs` list")
        if action not in ("read", "create", "default", "archive", "labels/archive"):
            raise not_found(f"Unsupported associations batch action {action}")
        if len(inputs) > (1000 if action == "read" else 100):
            raise validation(f"Too many inputs: {len(inputs)}")
        started = now_ms()
        results: list[dict[str, Any]] = []
        missing: list[str] = []
        with self.portal.lock:
            for item in inputs:
                if action == "read":
                    fid = _rid(item.get("id"))
                    if fid is None or self.portal.stores[ft.name].get(fid) is None:
                        missing.append(str(item.get("id")))
                        continue
                    targets = self.portal.assoc.targets(ft.name, fid, tt.name)
                    if not targets:
                        missing.append(str(fid))
                        continue
                    results.append(_read_page(fid, sorted(targets.items()), item.get("after")))
                    continue
                fid = _rid((item.get("from") or {}).get("id"))
                tid = _rid((item.get("to") or {}).get("id"))
                if (
                    fid is None
                    or tid is None
                    or self.portal.stores[ft.name].get(fid) is None
                    or self.portal.stores[tt.name].get(tid) is None
                ):
                    missing.append(
                        f"{(item.get('from') or {}).get('id')}->{(item.get('to') or {}).get('id')}"
                    )
                    continue
                linked = bool(self.portal.assoc.targets(ft.name, fid, tt.name).get(tid))
                if action == "archive":
                    self.portal.assoc.remove(ft.name, fid, tt.name, tid)
                    self._recount(ft, fid, tt, tid, linked)
                    continue
                if action == "labels/archive":
                    for type_id in self._type_ids(ft, tt, item.get("types")):
                        self.portal.assoc.remove_type(ft.name, fid, tt.name, tid, type_id)
                    still = bool(self.portal.assoc.targets(ft.name, fid, tt.name).get(tid))
                    self._recount(ft, fid, tt, tid, linked != still)
                    continue
                type_ids = self._type_ids(ft, tt, item.get("types") if action == "create" else None)
                for type_id in type_ids:
                    self.portal.assoc.add(ft.name, fid, tt.name, tid, type_id)
                self._recount(ft, fid, tt, tid, not linked)
                results.append(
                    self._created(ft, tt, fid, tid, type_ids, default=action != "create")
                )
        if action in ("archive", "labels/archive"):
            return Response(204)
        errors = []
        if missing:
            msg = (
                "No associations found"
                if action == "read"
                else "Could not find records to associate"
            )
            errors.append(standard_error("OBJECT_NOT_FOUND", msg, {"ids": missing}))
        out: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": iso(started),
            "completedAt": iso(now_ms()),
        }
        if errors:
            out["numErrors"] = len(errors)
            out["errors"] = errors
        status = 207 if errors else (201 if action == "create" else 200)
        return json_response(status, out)

    def _recount(self, ft: ObjectType, fid: int, tt: ObjectType, tid: int, changed: bool) -> None:
        """A contact joined or left a deal: its contact count, hence its stamp, changes."""
        if not changed or {ft.name, tt.name} != {"deals", "contacts"}:
            return
        deals = _type("deals")
        rec = self.portal.stores["deals"].get(fid if ft.name == "deals" else tid)
        if rec is not None:
            self.portal.update(deals, rec, {})

    def _type_ids(self, ft: ObjectType, tt: ObjectType, specs: Any) -> list[int]:
        if specs is None:
            default = DEFAULT_ASSOC.get((ft.name, tt.name))
            if default is None:
                raise validation(f"No default association between {ft.name} and {tt.name}")
            return [default]
        out = []
        for spec in specs if isinstance(specs, list) else []:
            a = ASSOCIATION_TYPES.get(_rid(spec.get("associationTypeId")) or -1)
            if a is None or (a.from_type, a.to_type) != (ft.name, tt.name):
                raise validation(
                    f"association type id {spec.get('associationTypeId')} doesn't exist "
                    f"between {ft.singular} and {tt.singular}"
                )
            out.append(a.type_id)
        if not out:
            raise validation("Invalid input JSON: `types` must list at least one association type")
        return out

    def _created(
        self, ft: ObjectType, tt: ObjectType, fid: int, tid: int, type_ids: list[int], default: bool
    ) -> dict[str, Any]:
        if default:
            a = ASSOCIATION_TYPES[type_ids[0]]
            return {
                "from": {"id": str(fid)},
                "to": {"id": str(tid)},
                "associationSpec": {
                    "associationCategory": a.category,
                    "associationTypeId": a.type_id,
                },
            }
        labels = [ASSOCIATION_TYPES[i].label for i in type_ids if ASSOCIATION_TYPES[i].label]
        return {
            "fromObjectTypeId": ft.type_id,
            "fromObjectId": str(fid),
            "toObjectTypeId": tt.type_id,
            "toObjectId": str(tid),
            "labels": labels,
        }

    def definitions(self, from_name: str, to_name: str, kind: str) -> Response:
        """The association types between two object types, as HubSpot lists them.

        ``types`` is ``GET /crm/v3/associations/{from}/{to}/types`` (``{"id", "name"}``: the
        names inline association lists use); ``labels`` is ``GET
        /crm/v4/associations/{from}/{to}/labels`` (``{"category", "typeId", "label"}``).
        A client joins the two on the type id to read an inline label name as its label.
        """
        ft, tt = _type(from_name), _type(to_name)
        found = sorted(
            (
                a
                for a in ASSOCIATION_TYPES.values()
                if (a.from_type, a.to_type) == (ft.name, tt.name)
            ),
            key=lambda a: a.type_id,
        )
        if kind == "types":
            rows: list[dict[str, Any]] = [{"id": str(a.type_id), "name": a.name} for a in found]
        else:
            rows = [{"category": a.category, "typeId": a.type_id, "label": a.label} for a in found]
        return json_response(200, {"results": rows})

    def assoc_object(self, request: Request, parts: list[str]) -> Response:
        """``/crm/v4/objects/{type}/{id}/associations/...``: GET list, PUT labelled/default."""
        # parts: [type, id, "associations", ...]
        ft = _type(parts[0])
        fid = _rid(parts[1])
        if fid is None or self.portal.stores[ft.name].get(fid) is None:
            raise not_found(f"No {ft.name} with id {parts[1]}")
        rest = parts[3:]
        if request.method == "GET" and len(rest) == 1:
            tt = _type(rest[0])
            targets = sorted(self.portal.assoc.targets(ft.name, fid, tt.name).items())
            try:
                limit = max(1, min(int(request.param("limit") or 500), 500))
                after = int(request.param("after") or 0)
            except ValueError as exc:
                raise validation("limit and after must be integers") from exc
            page = [row for row in targets if row[0] > after][:limit]
            out: dict[str, Any] = {"results": [_multi(tid, types) for tid, types in page]}
            if page and len([row for row in targets if row[0] > after]) > limit:
                out["paging"] = {
                    "next": {"after": str(page[-1][0]), "link": f"?after={page[-1][0]}"}
                }
            return json_response(200, out)
        if request.method == "PUT" and len(rest) == 3 and rest[0] == "default":
            tt, tid = _type(rest[1]), _rid(rest[2])
            self._check_target(tt, tid)
            assert tid is not None
            type_ids = self._type_ids(ft, tt, None)
            linked = bool(self.portal.assoc.targets(ft.name, fid, tt.name).get(tid))
            self.portal.assoc.add(ft.name, fid, tt.name, tid, type_ids[0])
            self._recount(ft, fid, tt, tid, not linked)
            started = now_ms()
            return json_response(
                200,
                {
                    "status": "COMPLETE",
                    "results": [self._created(ft, tt, fid, tid, type_ids, True)],
                    "startedAt": iso(started),
                    "completedAt": iso(now_ms()),
                },
            )
        if request.method == "PUT" and len(rest) == 2:
            tt, tid = _type(rest[0]), _rid(rest[1])
            self._check_target(tt, tid)
            assert tid is not None
            type_ids = self._type_ids(ft, tt, _json(request))
            linked = bool(self.portal.assoc.targets(ft.name, fid, tt.name).get(tid))
            for type_id in type_ids:
                self.portal.assoc.add(ft.name, fid, tt.name, tid, type_id)
            self._recount(ft, fid, tt, tid, not linked)
            return json_response(201, self._created(ft, tt, fid, tid, type_ids, False))
        if request.method == "DELETE" and len(rest) == 2:
            tt, tid = _type(rest[0]), _rid(rest[1])
            if tid is not None:
                linked = self.portal.assoc.remove(ft.name, fid, tt.name, tid)
                self._recount(ft, fid, tt, tid, linked)
            return Response(204)
        raise not_found("Unsupported associations request")

    def _check_target(self, tt: ObjectType, tid: int | None) -> None:
        if tid is None or self.portal.stores[tt.name].get(tid) is None:
            raise not_found(f"No {tt.name} with id {tid}")


def _multi(tid: int, types: tuple[int, ...]) -> dict[str, Any]:
    rows = []
    for type_id in types:
        a = ASSOCIATION_TYPES.get(type_id)
        rows.append(
            {
                "category": a.category if a else "HUBSPOT_DEFINED",
                "typeId": type_id,
                "label": a.label if a else None,
            }
        )
    return {"toObjectId": str(tid), "associationTypes": rows}


def _read_page(fid: int, targets: list[tuple[int, Any]], after: object) -> dict[str, Any]:
    """One record's page of a v4 batch read: targets past ``after`` (the last target id of
    the page before), at most :data:`_crm.V4_READ_PAGE`, with ``paging.next`` when more."""
    try:
        start = int(str(after)) if after not in (None, "") else 0
    except ValueError as exc:
        raise validation(f"Invalid after token for id {fid}: {after!r}") from exc
    rest = [(tid, types) for tid, types in targets if tid > start]
    page = rest[: _crm.V4_READ_PAGE]
    out: dict[str, Any] = {
        "from": {"id": str(fid)},
        "to": [_multi(tid, types) for tid, types in page],
    }
    if len(rest) > len(page):
        out["paging"] = {"next": {"after": str(page[-1][0]), "link": f"?after={page[-1][0]}"}}
    return out
