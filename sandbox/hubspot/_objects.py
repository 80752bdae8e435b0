"""CRM v3 object endpoints: list, read, create, update, archive, batch and search.

One :class:`ObjectRoutes` serves every object type (deals, companies, contacts and the
engagements), addressed by name or ``0-x`` id.  Write faults apply here: per-record rejects
(207 multi-status), a "human" edit before our update, and dropped replies after commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._faults import FaultPlan
from .._http import DropResponse, Request, Response, json_response
from ._catalog import ASSOCIATION_TYPES
from ._crm import Portal
from ._errors import ApiError, not_found, standard_error, validation
from ._schema import ObjectType, resolve_type
from ._search import SEARCH_CAP, search
from ._store import Record, iso, now_ms

__all__ = ["ObjectRoutes"]

_BATCH_MAX = 100
_NOT_FOUND = "Object not found.  objectId are usually numeric."
_HUMAN_EDITS = {
    "deals": ("hs_next_step", "Rep note: customer asked for a follow-up call next week"),
    "tasks": ("hs_task_status", "COMPLETED"),
}


def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _inputs(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("inputs"), list):
        raise validation("Invalid input JSON: expected an object with an `inputs` list")
    inputs: list[dict[str, Any]] = body["inputs"]
    if len(inputs) > _BATCH_MAX:
        raise validation(
            f"Batch input of {len(inputs)} exceeds the limit of {_BATCH_MAX} inputs",
            context={"limit": [str(_BATCH_MAX)]},
        )
    if not all(isinstance(i, dict) for i in inputs):
        raise validation("Invalid input JSON: every input must be an object")
    return inputs


def _rid(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


class ObjectRoutes:
    """Handlers for ``/crm/v3/objects/...``."""

    def __init__(
        self, portal: Portal, faults: FaultPlan, count: Callable[[str, int], None]
    ) -> None:
        self.portal = portal
        self.faults = faults
        self.count = count  # (counter name, amount) -> None
        self.human_edits: list[dict[str, Any]] = []
        self.search_cap = SEARCH_CAP

    # -- dispatch -----------------------------------------------------------------------
    def handle(self, request: Request, t: ObjectType, rest: list[str]) -> Response:
        """Route ``/crm/v3/objects/{type}/{rest...}``."""
        m = request.method
        if not rest:
            if m == "GET":
                return self.list_page(request, t)
            if m == "POST":
                return self.create(request, t)
        elif rest == ["search"] and m == "POST":
            return json_response(
                200,
                search(self.portal, t, _json(request), self.faults.index_lag_s, self.search_cap),
            )
        elif len(rest) == 2 and rest[0] == "batch" and m == "POST":
            op = getattr(self, f"batch_{rest[1]}", None)
            if op is not None:
                return op(request, t)  # type: ignore[no-any-return]
        elif len(rest) == 1:
            if m == "GET":
                return self.get(request, t, rest[0])
            if m == "PATCH":
                return self.update(request, t, rest[0])
            if m == "DELETE":
                return self.archive(request, t, rest[0])
        raise not_found(
            f"Unable to route {m} request for /crm/v3/objects/{t.name}/{'/'.join(rest)}"
        )

    # -- helpers ------------------------------------------------------------------------
    def _assoc_types(self, request: Request) -> list[ObjectType]:
        # HubSpot ignores association types it does not know (list/read reference:
        # "If any of the specified associations do not exist, they will be ignored").
        out = []
        for name in request.params("associations"):
            to = resolve_type(name)
            if to is not None and to not in out:
                out.append(to)
        return out

    def _find(
        self, t: ObjectType, key: str, id_property: str | None, archived: bool = False
    ) -> Record | None:
        store = self.portal.stores[t.name]
        if id_property and id_property != "hs_object_id":
            if id_property not in store.unique:
                raise validation(f"{id_property} is not a unique property of {t.name}")
            return store.find_unique(id_property, key)
        rid = _rid(key)
        return store.get(rid, archived) if rid is not None else None

    def _associate(self, t: ObjectType, rec: Record, specs: Any) -> None:
        if not specs:
            return
        if not isinstance(specs, list):
            raise validation("Invalid input JSON: `associations` must be a list")
        for spec in specs:
            to_id = _rid((spec.get("to") or {}).get("id")) if isinstance(spec, dict) else None
            types = spec.get("types") if isinstance(spec, dict) else None
            if to_id is None or not isinstance(types, list) or not types:
                raise validation("Invalid input JSON: each association needs `to.id` and `types`")
            for ty in types:
                a = ASSOCIATION_TYPES.get(_rid(ty.get("associationTypeId")) or -1)
                if a is None or a.from_type != t.name:
                    raise validation(
                        f"association type id {ty.get('associationTypeId')} doesn't exist "
                        f"between {t.singular} and the target object"
                    )
                if self.portal.stores[a.to_type].get(to_id) is None:
                    raise validation(f"No {a.to_type} with id {to_id} exists to associate with")
                self.portal.assoc.add(t.name, rec.id, a.to_type, to_id, a.type_id)

    def _maybe_drop(self) -> None:
        if self.faults.roll("drop_after_commit"):
            self.count("dropped_after_commit", 1)
            raise DropResponse()

    def _rejected(self) -> bool:
        if self.faults.roll("reject_record"):
            self.count("rejected_records", 1)
            return True
        return False

    def _human_edit(self, t: ObjectType, rec: Record) -> None:
        edit = _HUMAN_EDITS.get(t.name)
        if edit is None or not self.faults.roll("human_edit"):
            return
        self.portal.update(t, rec, {edit[0]: edit[1]})
        self.human_edits.append(
            {"type": t.name, "id": str(rec.id), "properties": {edit[0]: edit[1]}}
        )
        self.count("human_edits", 1)

    # -- single-record endpoints ------------------------------------------------------
    def list_page(self, request: Request, t: ObjectType) -> Response:
        """``GET /crm/v3/objects/{type}``: a page in id order, cursor ``after``."""
        try:
            limit = int(request.param("limit") or 10)
            after = int(request.param("after") or 0)
        except ValueError as exc:
            raise validation("limit and after must be integers") from exc
        limit = max(1, min(limit, 100))
        archived = _bool(request.param("archived"))
        names = request.params("properties")
        to_types = self._assoc_types(request)
        with self.portal.lock:
            recs, nxt = self.portal.stores[t.name].page(after, limit, archived)
            results = []
            for rec in recs:
                row = self.portal.render(t, rec, names)
                if to_types:
                    assocs = self.portal.render_associations(t, rec, to_types)
                    if assocs:
                        row["associations"] = assocs
                results.append(row)
        out: dict[str, Any] = {"results": results}
        if nxt is not None:
            out["paging"] = {"next": {"after": str(nxt), "link": f"?after={nxt}"}}
        return json_response(200, out)

    def get(self, request: Request, t: ObjectType, key: str) -> Response:
        """``GET /crm/v3/objects/{type}/{id}`` (``idProperty`` for unique properties)."""
        rec = self._find(t, key, request.param("idProperty"), _bool(request.param("archived")))
        if rec is None:
            raise not_found(_NOT_FOUND, context={"id": [key]})
        with self.portal.lock:
            row = self.portal.render(t, rec, request.params("properties"))
            to_types = self._assoc_types(request)
            if to_types:
                assocs = self.portal.render_associations(t, rec, to_types)
                if assocs:
                    row["associations"] = assocs
        return json_response(200, row)

    def create(self, request: Request, t: ObjectType) -> Response:
        """``POST /crm/v3/objects/{type}`` -> 201."""
        body = _json(request)
        if not isinstance(body, dict):
            raise validation("Invalid input JSON: expected an object")
        rec = self._create_one(t, body.get("properties"), body.get("associations"))
        if rec is None:
            raise validation(f"The {t.singular} was rejected by a validation rule (sandbox fault)")
        row = self.portal.render(t, rec, _written(t, body.get("properties")))
        self._maybe_drop()
        return json_response(201, row)

    def _create_one(self, t: ObjectType, props: Any, assocs: Any) -> Record | None:
        clean = self.portal.clean(t, props)
        if t.name in ("tasks", "calls", "meetings", "emails", "notes") and not clean.get(
            "hs_timestamp"
        ):
            raise validation(
                "hs_timestamp is required",
                errors=[{"message": "hs_timestamp is required", "code": "REQUIRED_PROPERTY"}],
            )
        if self.portal.unique_conflict(t, clean, None):
            raise ApiError(_conflict(t))
        if self._rejected():
            return None
        with self.portal.lock:
            rec = self.portal.create(t, clean)
            self._associate(t, rec, assocs)
        return rec

    def update(self, request: Request, t: ObjectType, key: str) -> Response:
        """``PATCH /crm/v3/objects/{type}/{id}`` -> 200."""
        body = _json(request)
        if not isinstance(body, dict):
            raise validation("Invalid input JSON: expected an object")
        clean = self.portal.clean(t, body.get("properties"))
        rec = self._find(t, key, request.param("idProperty"))
        if rec is None:
            raise not_found(_NOT_FOUND, context={"id": [key]})
        if self.portal.unique_conflict(t, clean, rec.id):
            raise ApiError(_conflict(t))
        if self._rejected():
            raise validation(f"The {t.singular} was rejected by a validation rule (sandbox fault)")
        with self.portal.lock:
            self._human_edit(t, rec)
            self.portal.update(t, rec, clean)
            row = self.portal.render(t, rec, _written(t, clean))
        self._maybe_drop()
        return json_response(200, row)

    def archive(self, request: Request, t: ObjectType, key: str) -> Response:
        """``DELETE /crm/v3/objects/{type}/{id}`` -> 204 (also for unknown ids, like HubSpot)."""
        rec = self._find(t, key, None)
        if rec is not None:
            self.portal.archive(t, rec)
            self._maybe_drop()
        return Response(204)

    # -- batch endpoints --------------------------------------------------------------
    def _batch(
        self, status: int, results: list[dict[str, Any]], errors: list[dict[str, Any]], started: int
    ) -> Response:
        out: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": iso(started),
            "completedAt": iso(now_ms()),
        }
        if errors:
            out["numErrors"] = len(errors)
            out["errors"] = errors
            status = 207
        return json_response(status, out)

    def batch_read(self, request: Request, t: ObjectType) -> Response:
        """``POST .../batch/read``: 200, or 207 listing unknown ids."""
        started = now_ms()
        body = _json(request)
        inputs = _inputs(body)
        archived = _bool(request.param("archived"))
        names = body.get("properties") or None
        results, missing = [], []
        with self.portal.lock:
            for item in inputs:
                rec = self._find(t, str(item.get("id")), body.get("idProperty"), archived)
                if rec is None:
                    missing.append(str(item.get("id")))
                else:
                    results.append(self.portal.render(t, rec, names))
        errors = []
        if missing:
            msg = f"Could not get some {t.name} objects, they may be deleted or not exist. Check that ids are valid."
            errors.append(standard_error("OBJECT_NOT_FOUND", msg, {"ids": missing}))
        return self._batch(200, results, errors, started)

    def batch_create(self, request: Request, t: ObjectType) -> Response:
        """``POST .../batch/create``: 201, or 207 with per-record rejects."""
        started = now_ms()
        inputs = _inputs(_json(request))
        cleaned = [self.portal.clean(t, item.get("properties")) for item in inputs]
        results, errors = [], []
        for i, item in enumerate(inputs):
            rec = self._create_one(t, cleaned[i], item.get("associations"))
            if rec is None:
                ctx = (
                    {"objectWriteTraceId": [str(item["objectWriteTraceId"])]}
                    if item.get("objectWriteTraceId")
                    else {"index": [str(i)]}
                )
                errors.append(
                    standard_error(
                        "VALIDATION_ERROR",
                        "Record rejected by a validation rule (sandbox fault)",
                        ctx,
                    )
                )
            else:
                row = self.portal.render(t, rec, _written(t, cleaned[i]))
                if item.get("objectWriteTraceId"):
                    row["objectWriteTraceId"] = str(item["objectWriteTraceId"])
                results.append(row)
        response = self._batch(201, results, errors, started)
        self._maybe_drop()
        return response

    def batch_update(self, request: Request, t: ObjectType) -> Response:
        """``POST .../batch/update``: 200, or 207 for unknown ids and rejects."""
        started = now_ms()
        inputs = _inputs(_json(request))
        ids = [str(item.get("id")) for item in inputs]
        if len(set(ids)) != len(ids):
            raise validation(
                "Duplicate IDs found in batch input: "
                + ", ".join(sorted({i for i in ids if ids.count(i) > 1}))
            )
        cleaned = [self.portal.clean(t, item.get("properties")) for item in inputs]
        results, missing, errors = [], [], []
        for item, clean in zip(inputs, cleaned, strict=True):
            rec = self._find(t, str(item.get("id")), item.get("idProperty"))
            if rec is None:
                missing.append(str(item.get("id")))
                continue
            if self._rejected():
                errors.append(
                    standard_error(
                        "VALIDATION_ERROR",
                        "Record rejected by a validation rule (sandbox fault)",
                        {"ids": [str(rec.id)]},
                    )
                )
                continue
            with self.portal.lock:
                self._human_edit(t, rec)
                self.portal.update(t, rec, clean)
                results.append(self.portal.render(t, rec, _written(t, clean)))
        if missing:
            errors.insert(
                0,
                standard_error(
                    "OBJECT_NOT_FOUND",
                    f"Could not update some {t.name} objects, they may be deleted or not exist.",
                    {"ids": missing},
                ),
            )
        response = self._batch(200, results, errors, started)
        self._maybe_drop()
        return response

    def batch_upsert(self, request: Request, t: ObjectType) -> Response:
        """``POST .../batch/upsert`` by a unique property: 200, or 207 with rejects."""
        started = now_ms()
        inputs = _inputs(_json(request))
        store = self.portal.stores[t.name]
        cleaned = [self.portal.clean(t, item.get("properties")) for item in inputs]
        results, errors = [], []
        for item, clean in zip(inputs, cleaned, strict=True):
            prop, key = item.get("idProperty"), str(item.get("id"))
            if not prop or prop not in store.unique:
                raise validation(f"idProperty {prop!r} is not a unique property of {t.name}")
            if self._rejected():
                errors.append(
                    standard_error(
                        "VALIDATION_ERROR",
                        "Record rejected by a validation rule (sandbox fault)",
                        {"ids": [key]},
                    )
                )
                continue
            with self.portal.lock:
                rec = store.find_unique(prop, key)
                new = rec is None
                if rec is None:
                    rec = self.portal.create(t, {**clean, prop: key})
                else:
                    self._human_edit(t, rec)
                    self.portal.update(t, rec, clean)
                row = self.portal.render(t, rec, _written(t, {**clean, prop: key}))
            row["new"] = new
            results.append(row)
        response = self._batch(200, results, errors, started)
        self._maybe_drop()
        return response

    def batch_archive(self, request: Request, t: ObjectType) -> Response:
        """``POST .../batch/archive`` -> 204."""
        inputs = _inputs(_json(request))
        for item in inputs:
            rec = self._find(t, str(item.get("id")), None)
            if rec is not None:
                self.portal.archive(t, rec)
        self._maybe_drop()
        return Response(204)


def _written(t: ObjectType, props: Any) -> list[str]:
    """Write responses show the type's default properties plus every property written."""
    return [*t.defaults, *(props if isinstance(props, dict) else {})]


def _json(request: Request) -> Any:
    try:
        return request.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise validation(f"Invalid input JSON on line 1: {exc}") from exc


def _conflict(t: ObjectType) -> Response:
    from ._errors import error

    return error(409, "CONFLICT", f"A {t.singular} with this unique property value already exists.")
