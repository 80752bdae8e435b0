"""Salesforce reads: Opportunities with their contact roles, Tasks and Events, as batches.

Full sync streams Opportunities ordered by Id and merge-joins OpportunityContactRoles ordered
by OpportunityId (one page of each per 2,000 records: the minimum).  Incremental sync reads
each object on ``SystemModstamp >= since ORDER BY SystemModstamp, Id`` (``since``: the org's
time when the previous read ran, minus the lookback; see ``_cursor``) through
``queryAll`` (so deletions arrive in the same query, ``IsDeleted = true``), de-duplicates by
(Id, SystemModstamp), and re-reads the contact roles of changed deals (and the deals whose
roles alone changed).  Each SOQL page becomes one :class:`PullBatch`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nextadvance.connectors._base import (
    ActivityRecord,
    Cursor,
    DealRecord,
    PullBatch,
    TaskState,
)
from nextadvance.connectors._cursor import StreamCursor, format_ts, parse_ts
from nextadvance.connectors._reads_common import PullState, Reader
from nextadvance.connectors.salesforce._links import read_links
from nextadvance.connectors.salesforce._plan import ReadPlan
from nextadvance.core.errors import ConnectorError
from nextadvance.core.models import Deal

__all__ = ["SalesforceReader", "soql_quote"]

Query = Callable[[str, bool], Iterator[list[dict[str, Any]]]]
#: what SOQL returns for a blob field (base64 type): the URL of its body
_BLOB = re.compile(r"^/services/data/v\d+\.\d+/sobjects/\w+/\w{15,18}/\w+$")
OCR = "OpportunityContactRole"
IN_CHUNK = 200


def soql_quote(value: str) -> str:
    """A SOQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _in(ids: Sequence[str]) -> str:
    return "(" + ",".join(soql_quote(i) for i in ids) + ")"


def _chunks(items: Sequence[str], size: int = IN_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SalesforceReader(Reader[ReadPlan, PullState]):
    """Turns SOQL pages into :class:`PullBatch` es; ``query(soql, include_deleted)`` pages."""

    def __init__(
        self,
        plan: ReadPlan,
        query: Query,
        lookback_s: float,
        now: Callable[[], datetime],
        blob: Callable[[str], str] | None = None,
        crm_now: Callable[[], datetime | None] | None = None,
    ) -> None:
        super().__init__(plan, lookback_s, now, crm_now)
        self.query = query
        self.blob = blob
        self._rates: tuple[str, dict[str, float]] | None = None

    # ----------------------------------------------------------------------------- entry
    def _state(self, cursor: Cursor | None) -> PullState:
        """One stream per object; a full sync starts with the deals phase."""
        return PullState(cursor, ["Opportunity", OCR, *self.plan.activity_types], "deals")

    # ----------------------------------------------------------------------------- full
    def _full(self, state: PullState) -> Iterator[PullBatch]:
        full = state.full
        assert full is not None
        if full.get("phase") == "deals":
            after = str(full.get("after_id") or "")
            where = f" WHERE Id > {soql_quote(after)}" if after else ""
            opp_sql = f"SELECT {self.plan.deal_select()} FROM Opportunity{where} ORDER BY Id"
            ocr_where = f" WHERE OpportunityId > {soql_quote(after)}" if after else ""
            ocr_sql = (
                f"SELECT {self.plan.ocr_select()} FROM {OCR}{ocr_where} ORDER BY OpportunityId, Id"
            )
            roles: _GroupedStream | None = _GroupedStream(
                self.query(ocr_sql, False), "OpportunityId"
            )
            state.full_began(self.crm_now())  # the roles' first page has been read
            last = after
            for page in self.query(opp_sql, False):
                ids = [last, *(rec["Id"] for rec in page)] if last else [r["Id"] for r in page]
                if roles is not None and any(a >= b for a, b in itertools.pairwise(ids)):
                    # The org sorts ids differently from Python: the merge-join would mis-pair,
                    # so read the roles of this and later pages by id instead (safe, dearer).
                    roles = None
                if roles is not None:
                    deals = tuple(self._deal(rec, roles.take(rec["Id"])) for rec in page)
                else:
                    deals = self._deal_batch(page)["deals"]
                if page:
                    full["after_id"] = last = page[-1]["Id"]
                yield PullBatch(cursor=state.dump(), deals=deals, full=True)
            full["phase"] = "activities"
            full.pop("after_id", None)
        # the streams' high-water mark starts where the full sync began, by the CRM's clock
        # when it said (ours may run ahead: a resumed read would start past unread records)
        started = state.full_read_at() or parse_ts(full["started"])
        for obj in self.plan.activity_types:
            yield from self._activities(state, obj, include_deleted=False, full=True)
        for name in ("Opportunity", OCR):
            state.streams[name] = StreamCursor(ts=started, read_at=state.full_read_at())
        state.full = None
        yield PullBatch(cursor=state.dump(), full=True)

    # ----------------------------------------------------------------------------- incremental
    def _incremental(self, state: PullState) -> Iterator[PullBatch]:
        ocr_cur = state.streams[OCR]
        role_changed: dict[str, None] = {}
        new_ocr = ocr_cur.copy()
        ocr_sql = self._delta_sql(OCR, self.plan.ocr_select(), new_ocr)
        for page in self.timed(new_ocr, self.query(ocr_sql, True)):
            for rec in page:
                stamp = parse_ts(rec["SystemModstamp"])
                if new_ocr.is_new(rec["Id"], stamp):
                    role_changed[rec["OpportunityId"]] = None
                    new_ocr.advance(rec["Id"], stamp)
        opp_cur = state.streams["Opportunity"]
        sql = self._delta_sql("Opportunity", self.plan.deal_select(), opp_cur)
        for page in self.timed(opp_cur, self.query(sql, True)):
            fresh = [r for r in page if opp_cur.is_new(r["Id"], parse_ts(r["SystemModstamp"]))]
            batch = self._deal_batch(fresh, by_stamp=True)
            for rec in page:
                opp_cur.advance(rec["Id"], parse_ts(rec["SystemModstamp"]))
            for rec in fresh:  # read with its roles now; a deal seen before is not
                role_changed.pop(rec["Id"], None)
            opp_cur.prune(self.lookback_s)
            yield PullBatch(cursor=state.dump(), **batch)
        # deals whose contact roles changed but which were not modified themselves
        pending = list(role_changed)
        for chunk in _chunks(pending):
            sql = f"SELECT {self.plan.deal_select()} FROM Opportunity WHERE Id IN {_in(chunk)}"
            records = [r for page in self.query(sql, False) for r in page]
            yield PullBatch(cursor=state.dump(), **self._deal_batch(records))
        new_ocr.prune(self.lookback_s)
        state.streams[OCR] = new_ocr
        for obj in self.plan.activity_types:
            yield from self._activities(state, obj, include_deleted=True, full=False)
        yield PullBatch(cursor=state.dump())

    def _delta_sql(self, obj: str, select: str, cur: StreamCursor) -> str:
        since = cur.since(self.lookback_s)
        where = f" WHERE SystemModstamp >= {format_ts(since)}" if since else ""
        return f"SELECT {select} FROM {obj}{where} ORDER BY SystemModstamp, Id"

    def _deal_batch(self, records: list[dict[str, Any]], by_stamp: bool = False) -> dict[str, Any]:
        live = [r for r in records if not r.get("IsDeleted")]
        deleted = tuple(r["Id"] for r in records if r.get("IsDeleted"))
        roles: dict[str, list[dict[str, Any]]] = {r["Id"]: [] for r in live}
        missing = list(roles)
        if by_stamp and len(live) > IN_CHUNK:
            missing = self._roles_by_stamp(live, roles)
        for chunk in _chunks(missing):
            sql = f"SELECT {self.plan.ocr_select()} FROM {OCR} WHERE OpportunityId IN {_in(chunk)}"
            for page in self.query(sql, False):
                for role in page:
                    roles.setdefault(role["OpportunityId"], []).append(role)
        deals = tuple(self._deal(r, roles.get(r["Id"], [])) for r in live)
        return {"deals": deals, "deleted_deal_ids": deleted}

    def _roles_by_stamp(
        self, live: list[dict[str, Any]], roles: dict[str, list[dict[str, Any]]]
    ) -> list[str]:
        """Fill ``roles`` for deals modified in the page's stamp range; return the ids left.

        One paged query (2,000 roles per page) instead of one per 200 ids: after a full sync
        every deal we wrote comes back as changed, and reading their roles by id was most of
        the next run's calls.  A deal with no role in the answer has none, or was modified
        again since the page was read (its stamp left the range): those are read by id.
        """
        stamps = [format_ts(parse_ts(r["SystemModstamp"])) for r in live]
        sql = (
            f"SELECT {self.plan.ocr_select()} FROM {OCR} WHERE Opportunity.SystemModstamp >= "
            f"{min(stamps)} AND Opportunity.SystemModstamp <= {max(stamps)} "
            "ORDER BY OpportunityId, Id"
        )
        found: set[str] = set()
        for page in self.query(sql, False):
            for role in page:
                deal_roles = roles.get(role["OpportunityId"])
                if deal_roles is not None:
                    deal_roles.append(role)
                    found.add(role["OpportunityId"])
        return [i for i in roles if i not in found]

    def _deal(self, record: dict[str, Any], roles: list[dict[str, Any]]) -> DealRecord:
        deal = self.plan.translate_deal(record, roles)
        if deal is not None and deal.currency and deal.amount is not None:
            deal = self._corporate(deal)
        return DealRecord(
            crm_id=record["Id"],
            modified_at=parse_ts(record["SystemModstamp"]),
            deal=deal,
            writeback=self.plan.writeback_values(record),
            crm_stage=self.plan.crm_stage(record),
        )

    def _corporate(self, deal: Deal) -> Deal:
        """``deal`` with its amount in the corporate currency (multi-currency orgs).

        Measures add amounts up, so they must share a currency: Salesforce's
        ``CurrencyType.ConversionRate`` is units of a currency per corporate unit, so
        corporate = amount / rate.  Read once per run (one query), and only for mappings
        that map ``currency``; an org without multi-currency has no ``CurrencyType``.
        """
        if self._rates is None:
            self._rates = ("", {})
            try:
                sql = "SELECT IsoCode, ConversionRate, IsCorporate FROM CurrencyType"
                rows = [
                    r for page in self.query(sql + " WHERE IsActive = true", False) for r in page
                ]
            except ConnectorError as exc:
                if "INVALID_TYPE" not in str(exc):
                    raise
                rows = []
            corporate = next((str(r["IsoCode"]) for r in rows if r.get("IsCorporate")), "")
            rates = {
                str(r["IsoCode"]): float(r["ConversionRate"])
                for r in rows
                if r.get("ConversionRate")
            }
            self._rates = (corporate, rates)
        corporate, rates = self._rates
        rate = rates.get(str(deal.currency))
        if not corporate or deal.currency == corporate or not rate or deal.amount is None:
            return deal
        return deal.model_copy(
            update={"amount": round(deal.amount / rate, 2), "currency": corporate}
        )

    # ----------------------------------------------------------------------------- activities
    def _activities(
        self, state: PullState, obj: str, *, include_deleted: bool, full: bool
    ) -> Iterator[PullBatch]:
        cur = state.streams[obj]
        sql = self._delta_sql(obj, self.plan.activity_select(obj), cur)
        link_field = self.plan.deal_link(obj)
        if link_field:
            # LIKE is refused on id fields; the polymorphic relationship's Type is indexed
            rel = link_field[:-2] if link_field.endswith("Id") else link_field
            link = f"{rel}.Type = 'Opportunity'"
            sql = sql.replace(
                " ORDER BY", (" AND " if " WHERE " in sql else " WHERE ") + link + " ORDER BY"
            )
        deal_path, contact_paths = self.plan.links(obj)
        site = self._site(obj)
        for page in self.timed(cur, self.query(sql, include_deleted)):
            records: list[ActivityRecord] = []
            deleted: list[str] = []
            live: list[tuple[dict[str, Any], datetime]] = []
            for rec in page:
                stamp = parse_ts(rec["SystemModstamp"])
                if not cur.is_new(rec["Id"], stamp):
                    continue
                cur.advance(rec["Id"], stamp)
                if rec.get("IsDeleted"):
                    deleted.append(rec["Id"])
                    continue
                live.append((rec, stamp))
            ids = [rec["Id"] for rec, _ in live]
            deals = read_links(self.query, deal_path, ids) if deal_path and ids else None
            related: dict[str, list[str]] = {}
            for path in contact_paths if ids else ():
                for key, values in read_links(self.query, path, ids).items():
                    related.setdefault(key, []).extend(values)
            for rec, stamp in live:
                contacts = None
                if contact_paths:
                    linked = [c for c in related.get(rec["Id"], []) if c.startswith("003")]
                    contacts = [*self.plan.plain_contacts(obj, rec), *linked]
                linked_deals = None
                if deals is not None:
                    linked_deals = [d for d in deals.get(rec["Id"], []) if d.startswith("006")]
                records.append(self._activity(site, rec, stamp, linked_deals, contacts))
            cur.prune(self.lookback_s)
            yield PullBatch(
                cursor=state.dump(),
                activities=tuple(records),
                deleted_activity_ids=tuple(deleted),
                full=full,
            )

    def _site(self, obj: str) -> _Site:
        """What every record of one activity object needs from the plan, looked up once."""
        plan = self.plan
        return _Site(
            obj=obj,
            body=plan.mapping.activities[obj].body,
            task_key=plan.task_key_field if obj == plan.task_object else None,
            deal=plan.activity_deal(obj),
        )

    def _activity(
        self,
        site: _Site,
        rec: dict[str, Any],
        stamp: datetime,
        linked_deals: list[str] | None = None,
        contacts: list[str] | None = None,
    ) -> ActivityRecord:
        """One activity; ``linked_deals``/``contacts`` come from link objects when mapped
        (one record, however many deals and contacts it touches: counted once)."""
        body = site.body
        value = rec.get(body) if body else None
        if body and self.blob is not None and isinstance(value, str) and _BLOB.match(value):
            rec = {**rec, body: self.blob(value)}  # a note's body: one GET per note
        deal_ids: tuple[str, ...] = ()
        if linked_deals is not None:
            deal_ids = tuple(dict.fromkeys(linked_deals))
        elif site.deal is not None and (deal := site.deal(rec)):
            deal_ids = (deal,)
        task: TaskState | None = None
        if site.task_key and rec.get(site.task_key):
            task = self.plan.sf_task_state(rec, stamp)
        return ActivityRecord(
            crm_id=rec["Id"],
            modified_at=stamp,
            deal_ids=deal_ids,
            activity=self.plan.translate_activity(site.obj, rec, self.now(), contacts),
            task=task,
        )


@dataclass(frozen=True)
class _Site:
    """One activity object's constants for :meth:`SalesforceReader._activity`."""

    obj: str
    body: str | None
    #: our task's key field when ``obj`` is the task object (None: no task state to read)
    task_key: str | None
    #: the Opportunity id in the activity's own deal link (``WhatId``), if it holds one
    deal: Callable[[Mapping[str, Any]], str | None] | None


class _GroupedStream:
    """Consumes a stream of records sorted by ``key`` in step with an Id-ordered stream."""

    def __init__(self, pages: Iterator[list[dict[str, Any]]], key: str) -> None:
        self._records = (r for page in pages for r in page)
        self._key = key
        self._head: dict[str, Any] | None = next(self._records, None)

    def take(self, key: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while self._head is not None and str(self._head[self._key]) <= key:
            if self._head[self._key] == key:
                out.append(self._head)
            self._head = next(self._records, None)
        return out
