"""HubSpot reads: deals with company/contacts, engagements with their deal links, archives.

Full sync lists each object type (100 per page, cheaper than search).  Incremental sync
searches ``hs_lastmodifieddate >= previous read - lookback`` (``_cursor``) sorted by (stamp,
hs_object_id), 200 per page; before the 10,000-result cap it restarts the query at the last
(timestamp, id) with two OR-ed filter groups (``> ts`` or ``= ts and id > last``), so even
10,000+ records sharing one timestamp are read exactly once.  Archiving does not bump the
modified date, so archived deals (and our tasks) are listed with ``archived=true``.
A full sync asks the list pages for associations inline (deal -> company and contact,
engagement -> deal) and reads with v4 only the records whose inline list is cut off
(``._inline``); search pages carry no associations, so incremental reads use v4 batch reads,
100 ids per call.  Association-only changes (a contact's role label on a deal) move no stamp:
the label sweep (``._sweep``) re-reads the open deals every ``label_refresh_s``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from nextadvance.connectors._base import ActivityRecord, Cursor, DealRecord, PullBatch
from nextadvance.connectors._cursor import StreamCursor, format_ts, parse_ts
from nextadvance.connectors._plan import ReadPlan
from nextadvance.connectors._reads_common import PullState, Reader, streams_from
from nextadvance.connectors.hubspot._api import SEARCH_LIMIT, HubSpotApi
from nextadvance.connectors.hubspot._body import body_text
from nextadvance.connectors.hubspot._inline import LinkReader
from nextadvance.connectors.hubspot._search import MODIFIED, modified_pages
from nextadvance.connectors.hubspot._search import stamp as _stamp
from nextadvance.connectors.hubspot._sweep import SWEEP_KEY, open_deal_pages, sweep_due

__all__ = ["HubSpotReader"]

PRIMARY_COMPANY = 5
#: Deals translated together in a full sync: their companies and contacts are batch-read
#: together, so only the last batch read of a group is partly empty.
DEAL_GROUP = 1000
#: Companies remembered during one pull (a company with many deals is read once).
COMPANY_CACHE = 50_000
#: Contacts remembered during one pull (people on several deals are read once).
CONTACT_CACHE = 100_000


class HubSpotReader(Reader[ReadPlan, "_State"]):
    """Turns HubSpot pages into :class:`PullBatch` es."""

    def __init__(
        self,
        plan: ReadPlan,
        api: HubSpotApi,
        lookback_s: float,
        now: Callable[[], datetime],
        label_refresh_s: float = 86_400.0,
        crm_now: Callable[[], datetime | None] | None = None,
    ) -> None:
        super().__init__(plan, lookback_s, now, crm_now)
        self.api = api
        self.label_refresh_s = label_refresh_s
        self.search_limit = min(api.page_size or SEARCH_LIMIT, SEARCH_LIMIT)
        self._companies: dict[str, dict[str, Any]] = {}
        self._contacts: dict[str, dict[str, Any]] = {}
        self.links = LinkReader(api)

    # -- selections ----------------------------------------------------------------------
    def deal_props(self) -> list[str]:
        m = self.plan.mapping
        return list(
            dict.fromkeys(["hs_object_id", MODIFIED, *m.deal_read_fields(), *self.plan.writeback])
        )

    def activity_props(self, obj: str) -> list[str]:
        return list(dict.fromkeys(["hs_object_id", MODIFIED, *self.plan.activity_fields(obj)]))

    def objects(self) -> list[str]:
        return ["deals", *self.plan.activity_types]

    def props(self, obj: str) -> list[str]:
        return self.deal_props() if obj == "deals" else self.activity_props(obj)

    def inline(self, obj: str) -> list[str]:
        """Association types a full listing of ``obj`` asks for inline."""
        if obj != "deals":
            return ["deals"]
        m = self.plan.mapping
        return [
            *(["companies"] if m.deal.account is not None else []),
            *(["contacts"] if m.contacts is not None else []),
        ]

    def archive_watch(self) -> list[str]:
        """Object types whose archiving we detect: deals and our task object."""
        task = self.plan.task
        return [
            "deals",
            *([task.object] if task and task.object in self.plan.activity_types else []),
        ]

    # -- entry ---------------------------------------------------------------------------
    def _state(self, cursor: Cursor | None) -> _State:
        self._companies, self._contacts = {}, {}  # caches live for one pull
        self.links.reset()
        return _State(cursor, self.objects(), self.archive_watch())

    def _full(self, state: _State) -> Iterator[PullBatch]:
        full = state.full
        assert full is not None
        objs = self.objects()
        phase = full.get("phase")
        start = len(objs) if phase == "done" else objs.index(phase) if phase in objs else 0
        for obj in objs[start:]:
            full["phase"] = obj
            after = full.get("after")
            group = DEAL_GROUP if obj == "deals" else 1
            inline = self.inline(obj)
            rows: list[dict[str, Any]] = []
            while True:
                page = self.api.list_page(obj, self.props(obj), after, associations=inline)
                state.full_began(self.crm_now())  # dates a fresh full sync (first answer only)
                rows.extend(page.get("results", []))
                after = ((page.get("paging") or {}).get("next") or {}).get("after")
                if after and len(rows) < group:
                    continue  # fill the group: fewer half-empty company/contact batch reads
                full["after"] = after
                if not after:  # phase done: the cursor committed with this batch moves on
                    full.pop("after", None)
                    later = objs[objs.index(obj) + 1 :]
                    full["phase"] = later[0] if later else "done"
                yield self._batch(state, obj, rows, full=True, track=False, inline=inline)
                rows = []
                if not after:
                    break
        # the streams' high-water mark starts where the full sync began, by the CRM's clock
        # when it said (ours may run ahead: a resumed read would start past unread records)
        started = state.full_read_at() or parse_ts(full["started"])
        for obj in objs:
            state.streams[obj] = StreamCursor(ts=started, read_at=state.full_read_at())
        for obj in self.archive_watch():
            state.archived[obj] = StreamCursor(ts=started)
        state.swept = full["started"]  # a full listing read every label
        state.full = None
        yield PullBatch(cursor=state.dump(), full=True)

    def _incremental(self, state: _State) -> Iterator[PullBatch]:
        for obj in self.objects():
            cur = state.streams[obj]
            for rows in self._search(obj, cur):
                fresh = [r for r in rows if cur.is_new(str(r["id"]), _stamp(r))]
                yield self._batch(state, obj, fresh, full=False, track=True)
            cur.finish()  # the read _search began is complete
        for obj in self.archive_watch():
            yield from self._archived(state, obj)
        if self.plan.mapping.contacts is not None:
            yield from self._sweep(state)
        yield PullBatch(cursor=state.dump())

    def _sweep(self, state: _State) -> Iterator[PullBatch]:
        """Re-read the open deals when the label sweep is due (see ``._sweep``)."""
        started = self.now()
        if not sweep_due(state.swept, started, self.label_refresh_s):
            return
        for rows in open_deal_pages(self.api, self.deal_props(), self.search_limit):
            yield PullBatch(cursor=state.dump(), deals=self._deals(rows))
        state.swept = format_ts(started)

    # -- search windows ------------------------------------------------------------------
    def _search(self, obj: str, cur: StreamCursor) -> Iterator[list[dict[str, Any]]]:
        """Pages of ``obj`` modified since the cursor (``_search.modified_pages``)."""
        return modified_pages(
            self.api,
            obj,
            self.props(obj),
            self.search_limit,
            cur.since(self.lookback_s),
            lambda: cur.begin(self.crm_now()),
        )

    def _archived(self, state: _State, obj: str) -> Iterator[PullBatch]:
        """The records archived since the last listing.  The listing comes in id order, not
        by ``archivedAt``: the floor is fixed before it, and the cursor moves only once the
        listing is whole (a batch before that carries the old one: a crash re-reports, which
        is harmless, and never skips a record archived earlier than one listed before it)."""
        cur = state.archived[obj]
        floor = cur.since(self.lookback_s)
        new = cur.copy()
        after: str | None = None
        while True:
            page = self.api.list_page(obj, ["hs_object_id"], after, archived=True)
            gone: list[str] = []
            for row in page.get("results", []):
                stamp = parse_ts(row.get("archivedAt") or row.get("updatedAt"))
                if (floor is None or stamp >= floor) and new.is_new(str(row["id"]), stamp):
                    new.advance(str(row["id"]), stamp)
                    gone.append(str(row["id"]))
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                new.prune(self.lookback_s)
                state.archived[obj] = new
            if gone or not after:
                if obj == "deals":
                    yield PullBatch(cursor=state.dump(), deleted_deal_ids=tuple(gone))
                else:
                    yield PullBatch(cursor=state.dump(), deleted_activity_ids=tuple(gone))
            if not after:
                return

    # -- translation ---------------------------------------------------------------------
    def _batch(
        self,
        state: _State,
        obj: str,
        rows: list[dict[str, Any]],
        *,
        full: bool,
        track: bool,
        inline: Sequence[str] = (),
    ) -> PullBatch:
        # ``inline``: the association types the rows carry (list pages; search pages: none).
        if obj == "deals":
            deals = self._deals(rows, inline)
            batch_kw: dict[str, Any] = {"deals": deals}
        else:
            batch_kw = {"activities": self._activities(obj, rows, inline)}
        if track:
            cur = state.streams[obj]
            for row in rows:
                cur.advance(str(row["id"]), _stamp(row))
            cur.prune(self.lookback_s)
        return PullBatch(cursor=state.dump(), full=full, **batch_kw)

    def _deals(
        self, rows: list[dict[str, Any]], inline: Sequence[str] = ()
    ) -> tuple[DealRecord, ...]:
        ids = [str(r["id"]) for r in rows]
        mapping = self.plan.mapping
        company_of: dict[str, str] = {}
        companies: dict[str, dict[str, Any]] = {}
        if ids and mapping.deal.account is not None:
            links = self.links.links("deals", "companies", rows, inline="companies" in inline)
            for deal_id, targets in links.items():
                ranked = sorted(
                    targets,
                    key=lambda t: (
                        not any(
                            a.get("typeId") == PRIMARY_COMPANY
                            for a in t.get("associationTypes") or []
                        )
                    ),
                )
                if ranked:
                    company_of[deal_id] = str(ranked[0]["toObjectId"])
            cache = self._companies
            wanted = [c for c in dict.fromkeys(company_of.values()) if c not in cache]
            aprops = list(mapping.account_read_fields())
            if len(cache) + len(wanted) > COMPANY_CACHE:
                cache.clear()
                wanted = list(dict.fromkeys(company_of.values()))
            for row in self.api.batch_read("companies", wanted, aprops) if wanted else []:
                cache[str(row["id"])] = row.get("properties") or {}
            companies = {c: cache[c] for c in company_of.values() if c in cache}
        contacts_of: dict[str, list[tuple[str, list[str]]]] = {}
        people: dict[str, dict[str, Any]] = {}
        if ids and mapping.contacts is not None:
            links = self.links.links(
                "deals", "contacts", rows, inline="contacts" in inline, labels=True
            )
            for deal_id, targets in links.items():
                contacts_of[deal_id] = [
                    (
                        str(t["toObjectId"]),
                        [a["label"] for a in t.get("associationTypes") or [] if a.get("label")],
                    )
                    for t in targets
                ]
            ids_needed = list(dict.fromkeys(c for lst in contacts_of.values() for c, _ in lst))
            seen = self._contacts
            if len(seen) + len(ids_needed) > CONTACT_CACHE:
                seen.clear()
            wanted = [c for c in ids_needed if c not in seen]
            cprops = [p for p in mapping.contact_read_fields() if p != "association_labels"]
            for row in self.api.batch_read("contacts", wanted, cprops) if wanted else []:
                seen[str(row["id"])] = row.get("properties") or {}
            people = {c: seen[c] for c in ids_needed if c in seen}
        out = []
        for row in rows:
            deal_id = str(row["id"])
            props = dict(row.get("properties") or {})
            props.setdefault("hs_object_id", deal_id)
            record = {**props, "company": companies.get(company_of.get(deal_id, ""), {})}
            roles = [
                {**people.get(cid, {}), "hs_object_id": cid, "association_labels": labels}
                for cid, labels in contacts_of.get(deal_id, [])
            ]
            out.append(
                DealRecord(
                    crm_id=deal_id,
                    modified_at=_stamp(row),
                    deal=self.plan.deal(record, self.plan.contacts(roles)),
                    writeback=self.plan.writeback_values(props),
                    crm_stage=self.plan.crm_stage(record),
                )
            )
        return tuple(out)

    def _activities(
        self, obj: str, rows: list[dict[str, Any]], inline: Sequence[str] = ()
    ) -> tuple[ActivityRecord, ...]:
        links = self.links.target_ids(obj, "deals", rows, inline="deals" in inline)
        now = self.now()
        out = []
        task = self.plan.task
        for row in rows:
            rid = str(row["id"])
            props = row.get("properties") or {}
            if "hs_object_id" not in props:  # a copy only when the id must be added
                props = {**props, "hs_object_id": rid}
            deal_ids = links.get(rid, ())
            stamp = _stamp(row)
            state = None
            if task is not None and obj == task.object:
                state = self.plan.task_state(
                    body_text(props, task.body), rid, stamp, deal_ids[0] if deal_ids else None
                )
            out.append(
                ActivityRecord(
                    crm_id=rid,
                    modified_at=stamp,
                    deal_ids=deal_ids,
                    activity=self.plan.activity(obj, props, now),
                    task=state,
                )
            )
        return tuple(out)


class _State(PullState):
    """The HubSpot cursor, decoded: modified-date streams, archive streams, full-sync marker."""

    def __init__(self, cursor: Cursor | None, objs: list[str], watched: list[str]) -> None:
        super().__init__(cursor, objs, objs[0])
        self.archived = streams_from(cursor, watched, "archived")
        swept = (cursor or {}).get(SWEEP_KEY)
        self.swept: str | None = str(swept) if swept else None

    def extra(self) -> Cursor:
        out: Cursor = {"archived": {o: c.to_json() for o, c in self.archived.items()}}
        if self.swept is not None:
            out[SWEEP_KEY] = self.swept
        return out
