"""``sobjects/<Type>/updated`` and ``/deleted`` (getUpdated / getDeleted) replication resources.

Windows are limited to the last 30 days (``INVALID_REPLICATION_DATE`` otherwise) and the
seconds of ``start``/``end`` are ignored, as the org does; a record changed by anyone
(SystemModstamp in the window) counts as updated.
"""

from __future__ import annotations

from typing import Any

from .. import _clock as clock
from .._http import Request, Response, json_response
from ._auth import sf_error
from ._schema import SObject
from ._store import ID, IS_DELETED, STAMP, Store, fmt_datetime, parse_datetime

__all__ = ["replication"]

_DAY_MS = 86_400_000


def replication(
    store: Store, obj: SObject, kind: str, request: Request, headers: dict[str, str]
) -> Response:
    """Answer getUpdated (``kind`` updated) or getDeleted (``kind`` deleted)."""
    try:
        start = parse_datetime(request.param("start") or "") // 60_000 * 60_000
        end = parse_datetime(request.param("end") or "") // 60_000 * 60_000
    except ValueError:
        return sf_error(
            400, "INVALID_REPLICATION_DATE", "start and end must be ISO 8601 datetimes", headers
        )
    now = int(clock.now() * 1000)
    earliest = now - 30 * _DAY_MS
    if start < earliest or end <= start:
        return sf_error(
            400,
            "INVALID_REPLICATION_DATE",
            "startDate must chronologically precede endDate and be within the last 30 days",
            headers,
        )
    latest = min(end, now)
    rows = [r for r in store.rows(obj.name.lower()) if start <= r[STAMP] < latest]
    body: dict[str, Any]
    if kind == "updated":
        ids = [r[ID] for r in rows if not r[IS_DELETED]]
        if len(ids) > 600_000:
            return sf_error(400, "EXCEEDED_ID_LIMIT", "too many ids; narrow the window", headers)
        body = {"ids": ids, "latestDateCovered": fmt_datetime(latest)}
    else:
        body = {
            "deletedRecords": [
                {"id": r[ID], "deletedDate": fmt_datetime(r[STAMP])} for r in rows if r[IS_DELETED]
            ],
            "earliestDateAvailable": fmt_datetime(earliest),
            "latestDateCovered": fmt_datetime(latest),
        }
    return json_response(200, body, headers)
