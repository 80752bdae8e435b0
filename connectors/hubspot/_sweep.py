"""The HubSpot label sweep: deal-contact association changes no modified stamp shows.

HubSpot keeps a deal's ``hs_lastmodifieddate`` when only an association label changes (a
contact's buying role on the deal), so an incremental search never sees it.  Adding or
removing a contact recalculates the deal's ``num_associated_contacts``, which does move the
stamp, but we do not rely on that alone.  Every ``label_refresh_s`` (default 24 h) the
incremental pull therefore re-reads every deal HubSpot reports as not closed
(``hs_is_closed = false``) with its company and deal-contact associations (v4 batch read,
labels included: search answers carry no inline associations) and hands them over as
ordinary deal records; the mirror replaces their roles and the run re-decides them.  When the last sweep ran is kept in the cursor (``label_sweep``),
which the state store commits with each batch: a sweep cut short runs again next time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from nextadvance.connectors._cursor import parse_ts
from nextadvance.connectors.hubspot._api import HubSpotApi

__all__ = ["SWEEP_KEY", "open_deal_pages", "sweep_due"]

#: The cursor entry holding when the last complete sweep started (ISO 8601 UTC).
SWEEP_KEY = "label_sweep"


def sweep_due(last: str | None, now: datetime, every_s: float) -> bool:
    """Whether a sweep is due: never swept, or ``every_s`` seconds have passed (0: always)."""
    if last is None:
        return True
    try:
        return (now - parse_ts(last)).total_seconds() >= every_s
    except ValueError:  # a damaged entry: sweeping once is the safe answer
        return True


def open_deal_pages(
    api: HubSpotApi, properties: Sequence[str], limit: int
) -> Iterator[list[dict[str, Any]]]:
    """Pages of the deals HubSpot reports as open, in id order.

    Every page is its own query after the last id read (keyset on ``hs_object_id``), never
    the answer's ``after``: that is an offset, and a deal closed meanwhile would shift the
    next page by a row.  So any number of open deals is read exactly once, each query far
    below the 10,000 results search answers at most.
    """
    last = "0"
    while True:
        body: dict[str, Any] = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": "hs_is_closed", "operator": "EQ", "value": "false"},
                        {"propertyName": "hs_object_id", "operator": "GT", "value": last},
                    ]
                }
            ],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": list(properties),
            "limit": limit,
        }
        page = api.search("deals", body)
        rows = page.get("results", [])
        if rows:
            yield rows
            last = str(rows[-1]["id"])
        if not rows or not ((page.get("paging") or {}).get("next") or {}).get("after"):
            return
