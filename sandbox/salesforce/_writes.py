"""Record writes with the org's validation: field checks, derived fields, system fields.

One function per operation (create, update, delete) returns the stored row or raises
:class:`WriteError` carrying the Salesforce error code, message and fields; the REST layer
puts it in a single-record (``errorCode``) or collection (``statusCode``) body.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from ._schema import MESSY_STAGES, STAGES, Field, SObject
from ._store import (
    CREATED,
    CREATED_BY,
    ID,
    IS_DELETED,
    MODIFIED,
    MODIFIED_BY,
    STAMP,
    Store,
    parse_datetime,
    to18,
)

__all__ = ["WriteError", "check_fields", "create", "delete", "derive", "update"]

_STAGE = {s[0]: s for s in (*STAGES, *MESSY_STAGES)}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
_NUMERIC = {"int", "double", "currency", "percent"}


class WriteError(Exception):
    """A refused write: Salesforce ``code``, ``message``, ``fields`` and HTTP ``status``."""

    def __init__(
        self, code: str, message: str, fields: list[str] | None = None, status: int = 400
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or []
        self.status = status

    def body(self, key: str = "errorCode") -> dict[str, Any]:
        """The error as Salesforce serialises it (``statusCode`` inside collections)."""
        return {key: self.code, "message": self.message, "fields": self.fields}


def _coerce(store: Store, obj: SObject, fld: Field, value: Any) -> Any:
    """The value in internal form, or the org's error for a wrong type/length/choice."""
    label = fld.name
    if value is None:
        if not fld.nillable and fld.type != "boolean":
            raise WriteError(
                "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{label}]", [label]
            )
        return False if fld.type == "boolean" else None
    kind = fld.type

    def parse_error(java: str) -> WriteError:
        return WriteError(
            "JSON_PARSER_ERROR",
            f"Cannot deserialize instance of {java} from {type(value).__name__.upper()} value {value!s} "
            "or request may be missing a required field",
        )

    if kind == "boolean":
        if not isinstance(value, bool):
            raise parse_error("boolean")
        return value
    if kind in _NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise parse_error("double")
        try:
            number = float(value)
        except ValueError:
            raise parse_error("double") from None
        return int(number) if kind == "int" else number
    if kind == "date":
        if not isinstance(value, str) or not _DATE.match(value[:10]):
            raise parse_error("date")
        return value[:10]
    if kind == "datetime":
        try:
            return parse_datetime(str(value))
        except ValueError:
            raise parse_error("datetime") from None
    if isinstance(value, bool | dict | list):
        raise parse_error("string")
    text = str(value)
    if kind in ("id", "reference"):
        if not _ID.match(text):
            raise WriteError(
                "MALFORMED_ID", f"{label}: id value of incorrect type: {text}", [label]
            )
        text = to18(text)
        target = store.table_of(text)
        row = store.get(target, text) if target else None
        if (
            target is None
            or row is None
            or row[IS_DELETED]
            or (fld.reference_to and store.schema[target].name not in fld.reference_to)
        ):
            raise WriteError(
                "INVALID_CROSS_REFERENCE_KEY",
                f"{label}: id value of incorrect type: {text}",
                [label],
            )
        return text
    if fld.length and len(text) > fld.length:
        raise WriteError(
            "STRING_TOO_LONG",
            f"{label}: data value too large: {text[:60]}... (max length={fld.length})",
            [label],
        )
    if kind == "picklist" and fld.restricted and text not in fld.picklist:
        raise WriteError(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f"{label}: bad value for restricted picklist field: {text}",
            [label],
        )
    return text


def check_fields(
    store: Store, obj: SObject, data: dict[str, Any], creating: bool
) -> dict[int, Any]:
    """Column -> internal value for a write body, or the org's error for the first bad field."""
    out: dict[int, Any] = {}
    for key, value in data.items():
        if key == "attributes":
            continue
        fld = obj.get(key)
        if fld is None:
            raise WriteError(
                "INVALID_FIELD", f"No such column '{key}' on sobject of type {obj.name}", [key]
            )
        if key.lower() == "id":
            continue
        allowed = fld.createable if creating else fld.updateable
        if not allowed:
            action = "create" if creating else "update"
            raise WriteError(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                f"Unable to {action} fields: {fld.name}. Please check the security settings of this "
                "field and verify that it is read/write for your profile or permission set.",
                [fld.name],
            )
        out[obj.col[fld.name.lower()]] = _coerce(store, obj, fld, value)
    return out


def derive(
    store: Store, obj: SObject, row: list[Any], changed: set[str], given: set[str] | None = None
) -> None:
    """Recompute read-only fields that follow from others (IsClosed, AccountId, Name ...).

    ``changed`` triggers recomputation; fields in ``given`` (set by the caller) are kept.
    """
    given = changed if given is None else given
    col = obj.col
    name = obj.name
    if name == "Opportunity" and "stagename" in changed:
        _, _, prob, forecast, closed, won = _STAGE[row[col["stagename"]]]
        row[col["isclosed"]] = closed
        row[col["iswon"]] = won
        if "probability" not in given:
            row[col["probability"]] = float(prob)
        if "forecastcategoryname" not in given:
            row[col["forecastcategoryname"]] = forecast
    elif name == "Task" and "status" in changed:
        row[col["isclosed"]] = row[col["status"]] == "Completed"
    if name in ("Task", "Event") and "whatid" in changed:
        what = row[col["whatid"]]
        account = None
        if what is not None:
            parent_type = store.table_of(what)
            if parent_type == "account":
                account = what
            elif parent_type == "opportunity":
                parent = store.get("opportunity", what)
                account = parent[store.schema["opportunity"].col["accountid"]] if parent else None
        row[col["accountid"]] = account
    if name == "Event" and changed & {"startdatetime", "durationinminutes", "activitydatetime"}:
        start = row[col["startdatetime"]] or row[col["activitydatetime"]]
        if start is not None:
            row[col["startdatetime"]] = row[col["activitydatetime"]] = start
            row[col["activitydate"]] = datetime.fromtimestamp(start / 1000, UTC).date().isoformat()
            minutes = row[col["durationinminutes"]]
            if minutes is not None:
                row[col["enddatetime"]] = start + int(
                    timedelta(minutes=minutes).total_seconds() * 1000
                )
    if name in ("Contact", "User") and changed & {"firstname", "lastname"}:
        first, last = row[col["firstname"]], row[col["lastname"]]
        row[col["name"]] = f"{first} {last}" if first else last


def _check_unique(store: Store, obj: SObject, row: list[Any]) -> None:
    for fld in obj.fields.values():
        if not fld.unique:
            continue
        col = obj.col[fld.name.lower()]
        value = row[col]
        if value is None:
            continue
        for other in store.lookup(obj.name.lower(), col, value):
            if other[ID] != row[ID] and not other[IS_DELETED]:
                raise WriteError(
                    "DUPLICATE_VALUE",
                    f"duplicate value found: {fld.name} duplicates value on record with id: {other[ID]}",
                    [fld.name],
                )


def create(store: Store, obj: SObject, data: dict[str, Any], user_id: str) -> list[Any]:
    """Insert a record; defaults, required fields, derived and system fields filled in."""
    if not obj.writable:
        raise WriteError("INVALID_TYPE", f"Cannot create a new record for {obj.name}", status=400)
    if any(k.lower() == "id" for k in data):
        raise WriteError("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
    values = check_fields(store, obj, data, creating=True)
    row: list[Any] = [None] * len(obj.col)
    for fld in obj.fields.values():
        if fld.default is not None:
            row[obj.col[fld.name.lower()]] = fld.default
        elif fld.type == "boolean":
            row[obj.col[fld.name.lower()]] = False
    if "ownerid" in obj.col:
        row[obj.col["ownerid"]] = user_id
    for col, value in values.items():
        row[col] = value
    missing = [
        f.name
        for f in obj.fields.values()
        if f.createable and not f.nillable and row[obj.col[f.name.lower()]] is None
    ]
    if missing:
        raise WriteError(
            "REQUIRED_FIELD_MISSING",
            f"Required fields are missing: [{', '.join(missing)}]",
            missing,
        )
    with store.lock:
        stamp = store.now_ms()
        row[ID] = store.new_id(obj.name.lower())
        row[IS_DELETED] = False
        row[CREATED] = row[MODIFIED] = row[STAMP] = stamp
        row[CREATED_BY] = row[MODIFIED_BY] = user_id
        given = {name for name, col in obj.col.items() if col in values}
        derive(store, obj, row, set(obj.col), given)
        _check_unique(store, obj, row)
        store.put(obj.name.lower(), row, None)
    return row


def update(
    store: Store, obj: SObject, record_id: str, data: dict[str, Any], user_id: str
) -> list[Any]:
    """Change fields of a live record (NOT_FOUND for unknown or deleted ids)."""
    if not obj.writable:
        raise WriteError("INVALID_TYPE", f"Cannot update records of {obj.name}")
    values = check_fields(store, obj, data, creating=False)
    with store.lock:
        old = store.get(obj.name.lower(), record_id)
        if old is None or old[IS_DELETED]:
            raise WriteError("NOT_FOUND", "The requested resource does not exist", status=404)
        row = list(old) + [None] * (len(obj.col) - len(old))
        for col, value in values.items():
            row[col] = value
        names = {name for name, col in obj.col.items() if col in values}
        derive(store, obj, row, names)
        _check_unique(store, obj, row)
        row[MODIFIED] = row[STAMP] = store.now_ms()
        row[MODIFIED_BY] = user_id
        store.put(obj.name.lower(), row, old)
    return row


def delete(store: Store, obj: SObject, record_id: str) -> None:
    """Soft-delete (kept for queryAll with IsDeleted = true)."""
    if not obj.writable:
        raise WriteError("INVALID_TYPE", f"Cannot delete records of {obj.name}")
    with store.lock:
        old = store.get(obj.name.lower(), record_id)
        if old is None or old[IS_DELETED]:
            raise WriteError(
                "ENTITY_IS_DELETED" if old else "NOT_FOUND",
                "entity is deleted" if old else "The requested resource does not exist",
                status=404,
            )
        row = list(old)
        row[IS_DELETED] = True
        row[STAMP] = store.now_ms()
        store.put(obj.name.lower(), row, old)
