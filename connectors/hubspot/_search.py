"""HubSpot search windows: the records modified since a stamp, page by page, none skipped.

Split from the reader (``_reads``): how one search query follows the next, and why never by
the answer's offset, is its own concern.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from nextadvance.connectors._cursor import parse_ts
from nextadvance.connectors.hubspot._api import HubSpotApi

__all__ = ["MODIFIED", "TIE_SHARE", "modified_pages", "stamp"]

MODIFIED = "hs_lastmodifieddate"
#: a page whose last stamp more than one row in this many share steps on by id (see
#: :func:`modified_pages`)
TIE_SHARE = 10


def modified_pages(
    api: HubSpotApi,
    obj: str,
    properties: Sequence[str],
    limit: int,
    since: datetime | None,
    begin: Callable[[], None],
) -> Iterator[list[dict[str, Any]]]:
    """Pages of ``obj`` records modified since ``since``, oldest first; ``begin`` is called
    at the first answer (it dates the read for the cursor).

    Every page is its own query, never the answer's ``after``: that is an offset into
    the result, and a record read already and modified meanwhile leaves its place, so
    the next page would start a row late and that row, unchanged, would be skipped for
    good.  The next query starts **at** the last stamp read (inclusive: the records
    sharing it come again and are known, ``StreamCursor.is_new``), so no order among
    records of one stamp is relied on.  Only a page ending in many records of one stamp
    (below) steps on by ``hs_object_id`` within it, relying on the id sort asked for.
    Each query stays far below the 10,000-result cap.

    Reading the last stamp's records again costs a page now and then when many share
    it (one batch write of ours stamps up to 100 tasks alike), so when more than one
    row in :data:`TIE_SHARE` of a page shares the last stamp, the next query steps past
    them by id instead, as for a page all of one stamp.
    """
    lower = _ms(since) if since else None  # the stamp (ms) the next query starts at
    tie: str | None = None  # within a page-filling stamp: the last id read
    begun = False
    while True:
        if lower is None:
            groups: list[dict[str, Any]] = []
        elif tie is None:
            groups = [{"filters": [_filter(MODIFIED, "GTE", lower)]}]
        else:
            groups = [
                {"filters": [_filter(MODIFIED, "GT", lower)]},
                {
                    "filters": [
                        _filter(MODIFIED, "EQ", lower),
                        _filter("hs_object_id", "GT", tie),
                    ]
                },
            ]
        body: dict[str, Any] = {
            "filterGroups": groups,
            "sorts": [
                {"propertyName": MODIFIED, "direction": "ASCENDING"},
                {"propertyName": "hs_object_id", "direction": "ASCENDING"},
            ],
            "properties": list(properties),
            "limit": limit,
        }
        page = api.search(obj, body)
        if not begun:
            begin()  # the read runs from this first answer on
            begun = True
        rows = page.get("results", [])
        if rows:
            yield rows
        if not rows or not ((page.get("paging") or {}).get("next") or {}).get("after"):
            return
        top = _ms(stamp(rows[-1]))
        shared = _sharing_last(rows, top)
        if (lower is None or int(top) > int(lower)) and shared * TIE_SHARE <= len(rows):
            lower, tie = top, None  # a few rows share the last stamp: read them again
        else:  # many rows of one stamp (a bulk edit): step through it by id
            lower, tie = top, str(rows[-1]["id"])


def _sharing_last(rows: Sequence[dict[str, Any]], top: str) -> int:
    """How many rows at the end of a page carry the stamp ``top`` (ms), the last one's."""
    n = 0
    for row in reversed(rows):
        if _ms(stamp(row)) != top:
            break
        n += 1
    return n


def _filter(prop: str, operator: str, value: str) -> dict[str, str]:
    return {"propertyName": prop, "operator": operator, "value": value}


def _ms(ts: datetime) -> str:
    return str(int(ts.timestamp() * 1000))


def stamp(row: dict[str, Any]) -> datetime:
    """A search or list row's modified stamp (``updatedAt`` when the property is absent)."""
    props = row.get("properties") or {}
    return parse_ts(props.get(MODIFIED) or row.get("updatedAt"))
