"""The ``sobjects`` resources: describe, single-record CRUD and upsert by external id.

Writes go through :mod:`._writes`; this module only speaks HTTP: status codes (201 create,
204 update/delete, 200/201 upsert, 300 several external-id matches, 404 ...) and bodies in
Salesforce's shapes.  ``Ctx`` hands in the app-level hooks (human edits, drop-after-commit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .._http import Request, Response, json_response
from ._auth import sf_error
from ._replication import replication
from ._schema import SObject
from ._store import ID, IS_DELETED, Store, fmt_datetime
from ._uiapi import child_relationships, record_type_infos
from ._writes import WriteError, create, delete, update

__all__ = ["Ctx", "describe_global", "full_record", "handle_sobjects", "upsert_one"]


@dataclass
class Ctx:
    """What a REST handler needs from the app for one request."""

    store: Store
    version: str
    headers: dict[str, str]
    user_id: str
    before_update: Callable[[str, str], None]
    after_commit: Callable[[], None]


def full_record(obj: SObject, row: list[Any], version: str) -> dict[str, Any]:
    """All fields of a row as ``GET sobjects/<Type>/<Id>`` returns them."""
    rec: dict[str, Any] = {
        "attributes": {
            "type": obj.name,
            "url": f"/services/data/v{version}/sobjects/{obj.name}/{row[ID]}",
        }
    }
    for f in obj.fields.values():
        col = obj.col[f.name.lower()]
        v = row[col] if col < len(row) else None
        rec[f.name] = fmt_datetime(v) if f.type == "datetime" and v is not None else v
    return rec


def describe_global(store: Store, version: str) -> dict[str, Any]:
    """``GET sobjects``: every object with its key prefix and URLs."""
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [_summary(obj, version) for obj in store.schema.values()],
    }


def _summary(obj: SObject, version: str) -> dict[str, Any]:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {
        "name": obj.name,
        "label": obj.label,
        "labelPlural": obj.label + "s",
        "keyPrefix": obj.key_prefix,
        "custom": False,
        "createable": obj.writable,
        "updateable": obj.writable,
        "deletable": obj.writable,
        "queryable": True,
        "retrieveable": True,
        "searchable": True,
        "layoutable": obj.writable,
        "urls": {"sobject": base, "describe": base + "/describe", "rowTemplate": base + "/{ID}"},
    }


def _describe(store: Store, obj: SObject, version: str) -> dict[str, Any]:
    out = _summary(obj, version)
    out["fields"] = [f.describe() for f in obj.fields.values()]
    out["childRelationships"] = child_relationships(store, obj.name)
    out["recordTypeInfos"] = record_type_infos(store, obj.name, version)
    return out


def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = request.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise WriteError("JSON_PARSER_ERROR", f"Unexpected character in JSON body: {exc}") from None
    if not isinstance(data, dict):
        raise WriteError(
            "JSON_PARSER_ERROR", "Cannot deserialize instance of an SObject from a non-object value"
        )
    return data


def _err(ctx: Ctx, exc: WriteError) -> Response:
    return json_response(exc.status, [exc.body()], ctx.headers)


def _matches(store: Store, obj: SObject, field_name: str, value: str) -> list[list[Any]]:
    col = obj.col[field_name.lower()]
    if field_name.lower() == "id":
        row = store.get(obj.name.lower(), value)
        rows = [row] if row is not None else []
    else:
        rows = store.lookup(obj.name.lower(), col, value)
    return [r for r in rows if not r[IS_DELETED]]


def upsert_one(
    ctx: Ctx, obj: SObject, ext_field: str, value: str, data: dict[str, Any]
) -> tuple[int, dict[str, Any] | list[str]]:
    """Insert or update by external id: (201, created) / (200, updated) / (300, urls)."""
    rows = _matches(ctx.store, obj, ext_field, value)
    if len(rows) > 1:
        return 300, [f"/services/data/v{ctx.version}/sobjects/{obj.name}/{r[ID]}" for r in rows]
    body = {k: v for k, v in data.items() if k.lower() not in (ext_field.lower(), "attributes")}
    if rows:
        ctx.before_update(obj.name, rows[0][ID])
        row = update(ctx.store, obj, rows[0][ID], body, ctx.user_id)
        return 200, {"id": row[ID], "success": True, "errors": [], "created": False}
    fields = dict(body)
    if ext_field.lower() != "id":
        fields[obj.fields[ext_field.lower()].name] = value
    row = create(ctx.store, obj, fields, ctx.user_id)
    return 201, {"id": row[ID], "success": True, "errors": [], "created": True}


def handle_sobjects(ctx: Ctx, request: Request, parts: list[str]) -> Response:
    """Route ``sobjects[/<Type>[/describe | /<Id> | /<ExtField>/<value>]]``."""
    store, version, method = ctx.store, ctx.version, request.method
    if not parts:
        return json_response(200, describe_global(store, version), ctx.headers)
    obj = store.schema.get(parts[0].lower())
    if obj is None:
        return sf_error(404, "NOT_FOUND", "The requested resource does not exist", ctx.headers)
    try:
        if len(parts) == 1:
            if method == "POST":
                row = create(store, obj, _json_body(request), ctx.user_id)
                ctx.after_commit()
                return json_response(
                    201, {"id": row[ID], "success": True, "errors": []}, ctx.headers
                )
            if method == "GET":
                return json_response(
                    200, {"objectDescribe": _summary(obj, version), "recentItems": []}, ctx.headers
                )
        elif len(parts) == 2 and parts[1] == "describe" and method == "GET":
            return json_response(200, _describe(store, obj, version), ctx.headers)
        elif len(parts) == 2 and parts[1] in ("updated", "deleted") and method == "GET":
            return replication(store, obj, parts[1], request, ctx.headers)
        elif len(parts) == 2:
            return _one(ctx, request, obj, unquote(parts[1]))
        elif len(parts) == 3 and method == "GET" and _is_blob(obj, parts[2]):
            return _blob(ctx, obj, unquote(parts[1]), parts[2])
        elif len(parts) == 3:
            return _by_external(ctx, request, obj, parts[1], unquote(parts[2]))
    except WriteError as exc:
        return _err(ctx, exc)
    return sf_error(
        405,
        "METHOD_NOT_ALLOWED",
        f"HTTP Method '{method}' not allowed. Allowed are GET,POST",
        ctx.headers,
    )


def _is_blob(obj: SObject, field_name: str) -> bool:
    fld = obj.get(field_name)
    return fld is not None and fld.type == "base64"


def _blob(ctx: Ctx, obj: SObject, record_id: str, field_name: str) -> Response:
    """``GET sobjects/<Type>/<Id>/<blob field>``: the raw body (the messy org's notes)."""
    row = ctx.store.get(obj.name.lower(), record_id)
    if row is None or row[IS_DELETED]:
        return sf_error(404, "NOT_FOUND", "The requested resource does not exist", ctx.headers)
    value = row[obj.col[field_name.lower()]] or ""
    headers = {**ctx.headers, "Content-Type": "application/octetstream"}
    return Response(200, str(value).encode("utf-8"), headers)


def _one(ctx: Ctx, request: Request, obj: SObject, record_id: str) -> Response:
    store, method = ctx.store, request.method
    if method == "GET":
        row = store.get(obj.name.lower(), record_id)
        if row is None or row[IS_DELETED]:
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist", ctx.headers)
        rec = full_record(obj, row, ctx.version)
        wanted = request.params("fields")
        if wanted:  # ?fields=Name,StageName: just those (unknown names are INVALID_FIELD)
            names = {n.lower() for n in wanted}
            unknown = [n for n in wanted if obj.get(n) is None]
            if unknown:
                raise WriteError(
                    "INVALID_FIELD", f"No such column '{unknown[0]}' on entity '{obj.name}'"
                )
            rec = {k: v for k, v in rec.items() if k == "attributes" or k.lower() in names}
        return json_response(200, rec, ctx.headers)
    if method == "PATCH":
        data = _json_body(request)
        existing = store.get(obj.name.lower(), record_id)
        if existing is not None and not existing[IS_DELETED]:
            ctx.before_update(obj.name, existing[ID])
        update(store, obj, record_id, data, ctx.user_id)
        ctx.after_commit()
        return Response(204, b"", dict(ctx.headers))
    if method == "DELETE":
        delete(store, obj, record_id)
        ctx.after_commit()
        return Response(204, b"", dict(ctx.headers))
    return sf_error(
        405,
        "METHOD_NOT_ALLOWED",
        f"HTTP Method '{method}' not allowed. Allowed are GET,PATCH,DELETE",
        ctx.headers,
    )


def _by_external(ctx: Ctx, request: Request, obj: SObject, field_name: str, value: str) -> Response:
    fld = obj.get(field_name)
    if fld is None or not (fld.external_id or fld.name == "Id"):
        return sf_error(
            404,
            "NOT_FOUND",
            f"Provided external ID field does not exist or is not accessible: {field_name}",
            ctx.headers,
        )
    if request.method == "PATCH":
        status, body = upsert_one(ctx, obj, fld.name, value, _json_body(request))
        if status != 300:
            ctx.after_commit()
        return json_response(status, body, ctx.headers)
    rows = _matches(ctx.store, obj, fld.name, value)
    if len(rows) > 1:
        urls = [f"/services/data/v{ctx.version}/sobjects/{obj.name}/{r[ID]}" for r in rows]
        return json_response(300, urls, ctx.headers)
    if not rows:
        return sf_error(404, "NOT_FOUND", "The requested resource does not exist", ctx.headers)
    if request.method == "GET":
        return json_response(200, full_record(obj, rows[0], ctx.version), ctx.headers)
    if request.method == "DELETE":
        delete(ctx.store, obj, rows[0][ID])
        ctx.after_commit()
        return Response(204, b"", dict(ctx.headers))
    return sf_error(
        405, "METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed", ctx.headers
    )
