"""sObject Collections: ``composite/sobjects`` create/update/delete and upsert by external id.

Up to 200 records per call, results in input order, errors keyed ``statusCode`` (not
``errorCode`` as in single-record errors).  With ``allOrNone`` every record is checked first
and nothing is written if one fails (the others report ALL_OR_NONE_OPERATION_ROLLED_BACK).
The ``reject_record`` fault refuses individual records as a validation rule would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._faults import FaultPlan
from .._http import Request, Response, json_response
from ._auth import sf_error
from ._records import Ctx, upsert_one
from ._schema import SObject
from ._store import IS_DELETED, to18
from ._writes import WriteError, check_fields, create, delete, update

__all__ = ["handle_collections"]

_MAX = 200
_ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
    "fields": [],
}


def _rejected() -> WriteError:
    return WriteError(
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "Record rejected by a validation rule (sandbox reject_record fault)",
    )


def handle_collections(ctx: Ctx, request: Request, parts: list[str], faults: FaultPlan) -> Response:
    """Route ``composite/sobjects`` (POST/PATCH/DELETE) and ``composite/sobjects/<Type>/<Field>``."""
    method = request.method
    if method == "DELETE" and not parts:
        ids = request.params("ids")
        all_or_none = (request.param("allOrNone") or "false").lower() == "true"
        if len(ids) > _MAX:
            return _too_many(ctx)
        return _run(
            ctx,
            [{"Id": i} for i in ids],
            all_or_none,
            faults,
            lambda rec, obj: _delete(ctx, rec),
            deleting=True,
        )
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError):
        return sf_error(
            400,
            "JSON_PARSER_ERROR",
            "Unexpected character in the request body: malformed JSON",
            ctx.headers,
        )
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        return sf_error(
            400, "JSON_PARSER_ERROR", "Expected a JSON object with a 'records' array", ctx.headers
        )
    records: list[Any] = body["records"]
    all_or_none = bool(body.get("allOrNone", False))
    if len(records) > _MAX:
        return _too_many(ctx)
    if not all(isinstance(r, dict) for r in records):
        return sf_error(400, "JSON_PARSER_ERROR", "Each record must be a JSON object", ctx.headers)
    if method == "POST" and not parts:
        return _run(ctx, records, all_or_none, faults, lambda rec, obj: _create(ctx, rec, obj))
    if method == "PATCH" and not parts:
        return _run(ctx, records, all_or_none, faults, lambda rec, obj: _update(ctx, rec, obj))
    if method == "PATCH" and len(parts) == 2:
        obj = ctx.store.schema.get(parts[0].lower())
        fld = obj.get(parts[1]) if obj is not None else None
        if obj is None or fld is None or not fld.external_id:
            return sf_error(
                404,
                "NOT_FOUND",
                f"Provided external ID field does not exist or is not accessible: {parts[-1]}",
                ctx.headers,
            )
        return _run(
            ctx, records, all_or_none, faults, lambda rec, o: _upsert(ctx, rec, o, fld.name)
        )
    return sf_error(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed", ctx.headers)


def _too_many(ctx: Ctx) -> Response:
    return sf_error(
        400,
        "EXCEEDED_ID_LIMIT",
        f"record limit reached. cannot submit more than {_MAX} records into this call",
        ctx.headers,
    )


def _type_of(ctx: Ctx, rec: dict[str, Any], deleting: bool) -> SObject:
    if deleting:
        name = ctx.store.table_of(to18(str(rec.get("Id") or "")))
        if name is None:
            raise WriteError("MALFORMED_ID", f"malformed id {rec.get('Id')}", status=400)
        return ctx.store.schema[name]
    attrs = rec.get("attributes")
    type_name = attrs.get("type") if isinstance(attrs, dict) else None
    obj = ctx.store.schema.get(str(type_name).lower()) if type_name else None
    if obj is None:
        raise WriteError("INVALID_TYPE", "Must send a concrete entity type.")
    return obj


def _record_id(rec: dict[str, Any]) -> str:
    rid = next((v for k, v in rec.items() if k.lower() == "id"), None)
    if not isinstance(rid, str) or not rid:
        raise WriteError("MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
    return to18(rid)


def _create(ctx: Ctx, rec: dict[str, Any], obj: SObject) -> dict[str, Any]:
    row = create(ctx.store, obj, rec, ctx.user_id)
    return {"id": row[0], "success": True, "errors": []}


def _update(ctx: Ctx, rec: dict[str, Any], obj: SObject) -> dict[str, Any]:
    rid = _record_id(rec)
    existing = ctx.store.get(obj.name.lower(), rid)
    if existing is not None and not existing[IS_DELETED]:
        ctx.before_update(obj.name, rid)
    update(ctx.store, obj, rid, rec, ctx.user_id)
    return {"id": rid, "success": True, "errors": []}


def _delete(ctx: Ctx, rec: dict[str, Any]) -> dict[str, Any]:
    rid = _record_id(rec)
    delete(ctx.store, _type_of(ctx, rec, True), rid)
    return {"id": rid, "success": True, "errors": []}


def _upsert(ctx: Ctx, rec: dict[str, Any], obj: SObject, field_name: str) -> dict[str, Any]:
    value = next((v for k, v in rec.items() if k.lower() == field_name.lower()), None)
    if value is None:
        raise WriteError("MISSING_ARGUMENT", f"{field_name} not specified", [field_name])
    status, body = upsert_one(ctx, obj, field_name, str(value), rec)
    if status == 300:
        raise WriteError(
            "DUPLICATE_EXTERNAL_ID",
            f"{field_name}: more than one record found for external id field: {body}",
            [field_name],
        )
    assert isinstance(body, dict)
    return body


def _check(ctx: Ctx, rec: dict[str, Any], obj: SObject, deleting: bool) -> None:
    """Dry-run validation for allOrNone: the errors a real write would raise first."""
    if deleting:
        return
    creating = not any(k.lower() == "id" for k in rec)
    check_fields(ctx.store, obj, rec, creating=creating)
    if not creating:
        row = ctx.store.get(obj.name.lower(), _record_id(rec))
        if row is None or row[IS_DELETED]:
            raise WriteError(
                "ENTITY_IS_DELETED" if row else "INVALID_CROSS_REFERENCE_KEY",
                "invalid cross reference id",
            )


def _run(
    ctx: Ctx,
    records: list[dict[str, Any]],
    all_or_none: bool,
    faults: FaultPlan,
    op: Callable[[dict[str, Any], SObject], dict[str, Any]],
    deleting: bool = False,
) -> Response:
    results: list[dict[str, Any] | None] = [None] * len(records)
    rejected = [faults.roll("reject_record") for _ in records]
    if all_or_none:
        failed = False
        for i, rec in enumerate(records):
            try:
                obj = _type_of(ctx, rec, deleting)
                if rejected[i]:
                    raise _rejected()
                _check(ctx, rec, obj, deleting)
            except WriteError as exc:
                results[i] = _failure(rec, exc)
                failed = True
        if failed:
            out = [
                r if r is not None else {"success": False, "errors": [_ROLLED_BACK]}
                for r in results
            ]
            return json_response(200, out, ctx.headers)
    wrote = False
    for i, rec in enumerate(records):
        try:
            obj = _type_of(ctx, rec, deleting)
            if rejected[i]:
                raise _rejected()
            results[i] = op(rec, obj)
            wrote = True
        except WriteError as exc:
            results[i] = _failure(rec, exc)
    if wrote:
        ctx.after_commit()
    return json_response(200, results, ctx.headers)


def _failure(rec: dict[str, Any], exc: WriteError) -> dict[str, Any]:
    out: dict[str, Any] = {"success": False, "errors": [exc.body("statusCode")]}
    rid = next((v for k, v in rec.items() if k.lower() == "id"), None)
    if isinstance(rid, str):
        out["id"] = rid
    return out
