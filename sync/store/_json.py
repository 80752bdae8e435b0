"""JSON in the state store: CRM values as JSON, and JSON text that is already serialised.

:func:`jsonable` and :func:`task_state_json` are the shapes the mirror and the ledger
store; :func:`canonical` is the text payload hashes are taken of.

A full sync stores every activity, deal and contact of the org as JSON.  Building a dict
with pydantic's ``model_dump`` and serialising it again with ``json.dumps`` (SQLAlchemy's
bind step) cost more than pydantic's own ``model_dump_json``, which writes the text in one
go.  Text made that way is wrapped as :class:`RawJSON`; the engine's JSON serialiser
(:func:`dumps`, on SQLite and PostgreSQL alike) passes it through and serialises every
other value as before.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from json.encoder import encode_basestring_ascii
from typing import Any

from pydantic import BaseModel

from nextadvance.connectors import TaskState
from nextadvance.core.models import Activity

__all__ = [
    "RawJSON",
    "activity_from_json",
    "canonical",
    "canonical_native",
    "dumps",
    "jsonable",
    "model_json",
    "task_state_json",
]


class RawJSON(str):
    """JSON text of an object, stored as it is (never serialised again)."""

    __slots__ = ()


def dumps(value: Any) -> str:
    """The state store's JSON serialiser: :class:`RawJSON` as is, anything else as JSON."""
    if type(value) is RawJSON:
        return value
    return json.dumps(value)


def model_json(model: BaseModel, *, exclude: set[str] | None = None, **extra: Any) -> RawJSON:
    """``model`` as JSON text with ``extra`` keys added at the end (the mirror's own keys,
    such as ``_modified_at``): what ``model_dump(mode="json") | extra`` would store."""
    text = model.model_dump_json(exclude=exclude)
    if not extra:
        return RawJSON(text)
    # one of these per mirrored record: plain concatenation, the keys encoded once
    tail = ",".join([_key(k) + _text(v) for k, v in extra.items()])
    return RawJSON(text[:-1] + ("," if text != "{}" else "") + tail + "}")


#: ``"key":`` of the mirror's own keys, encoded once
_KEYS: dict[str, str] = {}


def _key(key: str) -> str:
    encoded = _KEYS.get(key)
    if encoded is None:
        encoded = _KEYS[key] = encode_basestring_ascii(key) + ":"
    return encoded


def _text(value: Any) -> str:
    # strings and None (the mirror's own keys) without a JSONEncoder per call
    if type(value) is str:
        return encode_basestring_ascii(value)
    return "null" if value is None else json.dumps(value)


#: the mirror's stamp as :func:`model_json` appends it to an activity's JSON text
_STAMP_TAIL = re.compile(r',"_modified_at":(?:"[^"\\]*"|null)}\Z')


def activity_from_json(text: str) -> Activity:
    """A mirrored activity from its stored JSON text, without the mirror's own keys.

    Text as :func:`model_json` wrote it ends in the ``_modified_at`` stamp: cut off, the
    rest is the model's own JSON, which pydantic parses and validates in one go (half
    the work of ``json.loads`` and validating the dict).  Any other text (written by an
    older version, say) is read as a dict without the stamp, as before.
    """
    match = _STAMP_TAIL.search(text, len(text) - 80)
    if match is not None:
        return Activity.model_validate_json(text[: match.start()] + "}")
    data = json.loads(text)
    data.pop("_modified_at", None)
    return Activity.model_validate(data)


def jsonable(value: Any) -> Any:
    """A CRM value as JSON (dates and datetimes as ISO strings), for the mirror and ledger."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def task_state_json(state: TaskState) -> dict[str, Any]:
    """Our task as the CRM holds it, in the ledger's ``observed`` shape."""
    return {
        "crm_id": state.crm_id,
        "deal_id": state.deal_id,
        "subject": state.subject,
        "due": state.due.isoformat() if state.due else None,
        "status": state.status,
        "completed": state.completed,
        "deleted": state.deleted,
        **dict(state.edits),
        "stamp": state.stamp,
    }


#: the canonical encoding (sorted keys, no spaces, text as is), built once
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def canonical(value: Any) -> str:
    """Canonical JSON text (sorted keys), e.g. for payload hashes."""
    return _CANONICAL(jsonable(value))


def canonical_native(value: Any) -> str:
    """:func:`canonical` of a value that is JSON-native already (what :func:`jsonable`
    returns): the same text, without walking the value again."""
    return _CANONICAL(value)
