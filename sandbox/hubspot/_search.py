"""CRM search (``POST /crm/v3/objects/{type}/search``): filters, sorts, paging, the
10,000-result cap and index lag, following HubSpot's documented semantics (crm-api-notes B4).

Filter groups are OR-ed, filters within a group AND-ed; at most 5 groups, 10 filters per
group and 25 in total.  A range filter on the modification stamp is answered from the
``(modified, id)`` index, so incremental windows over a million records stay cheap.
"""

from __future__ import annotations

import fnmatch
import re
import time
from typing import Any

from ._crm import Portal
from ._errors import invalid_json, validation
from ._schema import ObjectType
from ._store import Record, parse_ms

__all__ = ["SEARCH_CAP", "search"]

SEARCH_CAP = 10_000
_MAX_GROUPS, _MAX_PER_GROUP, _MAX_TOTAL = 5, 10, 25
_OPS = {
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
}
_RANGE_OPS = {"GT", "GTE", "LT", "LTE", "EQ", "BETWEEN"}
_TOKEN = re.compile(r"[\w@.\-]+")


_OP_LIST = (
    "EQ, NEQ, LT, LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, "
    "CONTAINS_TOKEN, NOT_CONTAINS_TOKEN"
)


def _check_filters(filters: list[Any]) -> None:
    for f in filters:
        if not isinstance(f, dict) or not f.get("propertyName") or not f.get("operator"):
            missing = [
                k for k in ("propertyName", "operator") if not (isinstance(f, dict) and f.get(k))
            ]
            raise invalid_json(
                "Invalid input JSON on line 1, column 1: Cannot build Filter, some of required "
                f"attributes are not set [{', '.join(missing)}]"
            )
        if f["operator"] not in _OPS:
            raise invalid_json(
                "Invalid input JSON on line 1, column 1: Cannot deserialize value of type "
                "`com.hubspot.inbounddb.publicobject.core.v2.search.FilterOperatorEnum` from "
                f'String "{f["operator"]}": not one of the values accepted for Enum class: '
                f"[{_OP_LIST}]"
            )


def _check(body: Any) -> list[list[dict[str, Any]]]:
    """The filter groups a search applies.

    Besides ``filterGroups`` HubSpot applies a top-level ``filters`` list (one AND-ed group;
    the Airbyte HubSpot source sends its incremental window that way).  Never ignore a
    filter: when both are given, the top-level filters are AND-ed into every group, so a
    combination can only narrow the answer.
    """
    if not isinstance(body, dict):
        raise validation("Invalid input JSON: expected a search request object")
    groups = body.get("filterGroups") or []
    top = body.get("filters")
    if top is not None and not isinstance(top, list):
        raise invalid_json("Invalid input JSON on line 1, column 1: `filters` must be an array")
    if not isinstance(groups, list) or len(groups) > _MAX_GROUPS:
        raise validation(f"Too many filter groups: at most {_MAX_GROUPS} are allowed")
    out: list[list[dict[str, Any]]] = []
    total = 0
    for group in groups:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list):
            raise validation("Invalid input JSON: each filter group needs a `filters` list")
        if len(filters) > _MAX_PER_GROUP:
            raise validation(f"Too many filters in a group: at most {_MAX_PER_GROUP} are allowed")
        total += len(filters)
        _check_filters(filters)
        out.append(filters)
    if top:
        _check_filters(top)
        if len(top) > _MAX_PER_GROUP:
            raise validation(f"Too many filters in a group: at most {_MAX_PER_GROUP} are allowed")
        out = [[*g, *top] for g in out] if out else [list(top)]
        total = sum(len(g) for g in out)
    if total > _MAX_TOTAL:
        raise validation(f"Too many filters: at most {_MAX_TOTAL} are allowed in total")
    return out


class _Matcher:
    """Evaluates filters and sort keys on stored values (stamps read from the record)."""

    def __init__(self, portal: Portal, t: ObjectType) -> None:
        self.portal, self.t = portal, t
        self.defs = portal.props[t.name]
        self.store = portal.stores[t.name]
        self.derived = (
            {
                "hs_is_closed",
                "hs_is_closed_won",
                "hs_deal_stage_probability",
                "num_associated_contacts",
            }
            if t.name == "deals"
            else set()
        )

    def kind(self, name: str) -> str:
        if name == "hs_object_id":
            return "number"
        pdef = self.defs.get(name)
        return pdef.type if pdef else "string"

    def raw(self, rec: Record, name: str) -> str | int | None:
        """The stored form: epoch ms for stamps and datetimes, else the string value."""
        t = self.t
        if name == t.modified_prop:
            return rec.updated_ms
        if name == t.created_prop:
            return rec.created_ms
        if name == "hs_object_id":
            return rec.id
        if name in self.derived:
            return self.portal.value(t, rec, name)
        return self.store.value(rec, name)

    def key(self, name: str, raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        kind = self.kind(name)
        if kind in ("datetime", "date"):
            return parse_ms(raw)
        if kind == "number":
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
        return str(raw).casefold()

    def test(self, rec: Record, f: dict[str, Any]) -> bool:
        name, op = f["propertyName"], f["operator"]
        raw = self.raw(rec, name)
        if op == "HAS_PROPERTY":
            return raw not in (None, "")
        if op == "NOT_HAS_PROPERTY":
            return raw in (None, "")
        if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            text = str(raw or "").casefold()
            want = str(f.get("value", "")).casefold()
            hit = any(fnmatch.fnmatchcase(tok, want) for tok in _TOKEN.findall(text)) or (
                "*" not in want and want in text.split()
            )
            return hit if op == "CONTAINS_TOKEN" else not hit
        have = self.key(name, raw)
        if op in ("IN", "NOT_IN"):
            values = {self.key(name, v) for v in f.get("values") or []}
            hit = have is not None and have in values
            return hit if op == "IN" else not hit
        want = self.key(name, f.get("value"))
        if op == "NEQ":
            return bool(have != want)
        if have is None or want is None:
            return False
        if op == "EQ":
            return bool(have == want)
        if op == "BETWEEN":
            high = self.key(name, f.get("highValue"))
            return high is not None and want <= have <= high
        return bool(
            {"LT": have < want, "LTE": have <= want, "GT": have > want, "GTE": have >= want}[op]
        )


def _mod_window(
    t: ObjectType, groups: list[list[dict[str, Any]]]
) -> tuple[int | None, int | None, bool] | None:
    """The (low, high) window on the modification stamp that a single filter group implies,
    and whether those filters are all the group has (then no record needs testing)."""
    if len(groups) != 1:
        return None
    low: int | None = None
    high: int | None = None
    exact = True
    for f in groups[0]:
        op, value = f["operator"], parse_ms(f.get("value"))
        if f["propertyName"] != t.modified_prop or value is None or op not in _RANGE_OPS:
            exact = False
            continue
        lo = value + 1 if op == "GT" else value if op in ("GTE", "EQ", "BETWEEN") else None
        hi = value - 1 if op == "LT" else value if op in ("LTE", "EQ") else None
        if op == "BETWEEN":
            hi = parse_ms(f.get("highValue"))
            exact = exact and hi is not None
        if lo is not None:
            low = lo if low is None else max(low, lo)
        if hi is not None:
            high = hi if high is None else min(high, hi)
    if low is None and high is None:
        return None
    return low, high, exact


def _natural(t: ObjectType, sorts: Any, by_mod: bool) -> bool:
    """Whether the candidates' own order already is the requested order."""
    if not sorts:
        return True
    if not by_mod or not isinstance(sorts, list):
        return False
    wanted = [(t.modified_prop, "ASCENDING"), ("hs_object_id", "ASCENDING")]
    got = [
        (x.get("propertyName"), x.get("direction", "ASCENDING")) if isinstance(x, dict) else None
        for x in sorts
    ]
    return got == wanted[: len(got)]


def search(
    portal: Portal, t: ObjectType, body: Any, index_lag_s: float, cap: int = SEARCH_CAP
) -> dict[str, Any]:
    """Run one search request and return the response JSON (raises ApiError on bad input)."""
    groups = _check(body)
    try:
        limit = int(body.get("limit") or 10)
        offset = int(body.get("after") or 0)
    except (TypeError, ValueError) as exc:
        raise validation("Invalid input JSON: `limit` and `after` must be integers") from exc
    if limit < 1 or limit > 200:
        raise validation("limit must be between 1 and 200")
    if offset + limit > cap:
        raise validation(
            f"Paging beyond {cap} results is not supported; narrow the query "
            f"(after={offset}, limit={limit})"
        )
    sorts = body.get("sorts") or []
    matcher = _Matcher(portal, t)
    store = portal.stores[t.name]
    with portal.lock:
        window = _mod_window(t, groups)
        candidates: list[Record]
        if window is not None:
            candidates = list(store.mod_range(window[0], window[1]))
            if window[2]:
                groups = []  # the index answered every filter
        else:
            records = store.records
            candidates = [records[i] for i in store.active_ids]
        visible_before = time.monotonic() - index_lag_s
        query = str(body.get("query") or "").casefold()
        if groups or query or index_lag_s > 0:
            candidates = [
                rec
                for rec in candidates
                if (index_lag_s <= 0 or rec.written_s <= visible_before)
                and (not groups or any(all(matcher.test(rec, f) for f in g) for g in groups))
                and (not query or _query_hit(rec, query))
            ]
        by_mod = window is not None
        hits = candidates if _natural(t, sorts, by_mod) else _sort(matcher, candidates, sorts)
        page = hits[offset : offset + limit]
        names = body.get("properties") or None
        results = [portal.render(t, rec, names) for rec in page]
    out: dict[str, Any] = {"total": len(hits), "results": results}
    if offset + limit < len(hits):
        nxt = str(offset + limit)
        out["paging"] = {"next": {"after": nxt, "link": f"?after={nxt}"}}
    return out


def _sort(matcher: _Matcher, hits: list[Record], sorts: Any) -> list[Record]:
    if not isinstance(sorts, list) or not sorts:
        return sorted(hits, key=lambda r: r.id)
    out = sorted(hits, key=lambda r: r.id)
    for s in reversed(sorts):
        if isinstance(s, str):
            name, desc = s.lstrip("-"), s.startswith("-")
        elif isinstance(s, dict):
            name, desc = s.get("propertyName", ""), s.get("direction") == "DESCENDING"
        else:
            continue

        def key(rec: Record, name: str = name) -> tuple[int, Any]:
            k = matcher.key(name, matcher.raw(rec, name))
            return (0, k) if k is not None else (1, 0)

        out.sort(key=key, reverse=desc)
    return out


def _query_hit(rec: Record, query: str) -> bool:
    return any(query in v.casefold() for v in rec.values if v)
