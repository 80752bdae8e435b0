"""The local mirror: what the CRM holds, as far as the engine and the planner need it.

Each pulled batch is applied in the caller's transaction together with its cursor, so a
crash re-reads a batch rather than skipping it.  Records may repeat across batches (overlap
windows); a record older than the mirrored one is ignored (de-duplication by id and
modified stamp).  Our own suggested tasks are not activities for the engine: their state
goes to the write ledger (``observed``), which is how echoes and human edits are seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from nextadvance.connectors import ActivityRecord, Cursor, DealRecord, PullBatch
from nextadvance.core.models import Deal
from nextadvance.mappings import Mapping as MappingSpec

from . import _tables as t
from ._bulk import Row, delete_in, insert_rows, lookup, update_in, update_rows
from ._json import jsonable, model_json, task_state_json
from ._mirror_read import CHUNK as _CHUNK
from ._mirror_read import MirroredDeal, MirrorReads

__all__ = ["BatchCounts", "Mirror", "MirroredDeal", "jsonable", "task_state_json"]

#: the deals table, for the statements that forget deals in bulk
_DEALS = cast(sa.Table, t.Deal.__table__)
#: what hangs off a deal and goes with it
_DEAL_CHILDREN = (t.DealActivity, t.DealContact, t.Parked, t.Decided)
#: the columns of the rows the mirror writes, in the order of their tuples
_DEAL_KEYS = (
    "connection",
    "deal_id",
    "is_open",
    "stage",
    "owner",
    "modified_at",
    "data",
    "crm_values",
    "updated_at",
)
_CONTACT_KEYS = ("connection", "contact_id", "data")
_DEAL_CONTACT_KEYS = ("connection", "deal_id", "contact_id", "role")
_ACTIVITY_KEYS = ("connection", "activity_id", "at", "data", "updated_at")
_DEAL_ACTIVITY_KEYS = ("connection", "deal_id", "activity_id")
#: the stamp a mirrored activity is compared by (one expression: it keys ``lookup``'s cache)
_ACTIVITY_STAMP = t.Activity.data["_modified_at"].as_string()


@dataclass
class BatchCounts:
    """What one batch changed in the mirror."""

    deals: int = 0
    activities: int = 0
    deleted_deals: list[str] = field(default_factory=list)
    deleted_activities: list[str] = field(default_factory=list)
    tasks: list[ActivityRecord] = field(default_factory=list)


class Mirror(MirrorReads):
    """Mirror operations of one connection inside one session (the caller commits): the
    writes of a pull here, the reads for the engine in :class:`MirrorReads`."""

    def __init__(
        self,
        session: Session,
        connection: str,
        is_open: Callable[[Deal], bool],
        mapping: MappingSpec | None = None,
    ) -> None:
        """``mapping``: the mapping in force, to re-stage deals as they are read (see
        :func:`nextadvance.mappings.map_stage`); without it, deals read as they were pulled."""
        self.s = session
        self.connection = connection
        self.is_open = is_open
        self.mapping = mapping

    # ------------------------------------------------------------------ cursor

    def cursor(self) -> Cursor | None:
        """The committed read position (None: never pulled, or reset by ``--full``)."""
        row = self.s.get(t.Cursor, self.connection)
        return dict(row.value) if row is not None and row.value else None

    def set_cursor(self, cursor: Cursor, now: datetime) -> None:
        """Store the position that is safe to commit with the batch just applied."""
        row = self.s.get(t.Cursor, self.connection)
        value = jsonable(dict(cursor))
        if row is None:
            self.s.add(t.Cursor(connection=self.connection, value=value, updated_at=now))
        else:
            row.value = value
            row.updated_at = now

    # ------------------------------------------------------------------ batches

    def apply(self, batch: PullBatch, now: datetime) -> BatchCounts:
        """Apply one pulled batch (deals, activities, deletions) to the mirror."""
        counts = BatchCounts()
        with self.s.no_autoflush:
            self._deals(batch.deals, now, counts)
            self.s.flush()
            self._activities(batch.activities, now, counts)
            self.s.flush()
            if batch.deleted_deal_ids:
                self._delete_deals(batch.deleted_deal_ids, counts)
            if batch.deleted_activity_ids:
                self._delete_activities(batch.deleted_activity_ids, counts)
        return counts

    def _delete_in(self, model: Any, column: Any, ids: Sequence[str]) -> None:
        delete_in(self.s, model, self.connection, column, ids)

    def _deals(self, records: Iterable[DealRecord], now: datetime, counts: BatchCounts) -> None:
        newest: dict[str, DealRecord] = {}
        for rec in records:
            have = newest.get(rec.crm_id)
            if have is None or rec.modified_at >= have.modified_at:
                newest[rec.crm_id] = rec
        existing = lookup(
            self.s, t.Deal, t.Deal.deal_id, self.connection, list(newest), t.Deal.modified_at
        )
        dead: list[str] = []
        older: list[str] = []
        applied: list[Deal] = []
        fresh: list[Row] = []
        changed: list[Row] = []
        for deal_id, rec in newest.items():
            counts.deals += 1
            if rec.deleted or rec.deal is None:
                dead.append(deal_id)
                continue
            known = existing.get(deal_id)
            if known is not None and known[0] and rec.modified_at < known[0]:
                older.append(deal_id)  # an older copy from the overlap window: still listed
                continue
            deal = rec.deal
            data = model_json(deal, exclude={"activities"}, _crm_stage=rec.crm_stage)
            (fresh if known is None else changed).append(
                (
                    self.connection,
                    deal_id,
                    self.is_open(deal),
                    deal.stage,
                    deal.owner,
                    rec.modified_at,
                    data,
                    jsonable(dict(rec.writeback)),
                    now,
                )
            )
            applied.append(deal)
        insert_rows(self.s, t.Deal, _DEAL_KEYS, fresh)
        update_rows(self.s, t.Deal, _DEAL_KEYS, changed)
        if older:
            self._touch(older, now)
        self._contacts(applied, [row[1] for row in changed])
        if dead:
            self._delete_deals(dead, counts)

    def _touch(self, ids: Sequence[str], now: datetime) -> None:
        """Stamp deals the CRM listed but that we keep as they are (``forget_unlisted``)."""
        update_in(self.s, t.Deal, self.connection, t.Deal.deal_id, ids, updated_at=now)

    def _contacts(self, deals: Sequence[Deal], mirrored: Sequence[str]) -> None:
        """Replace the contact roles of these deals (bulk: one delete, one insert).

        ``mirrored``: those of the deals already in the mirror before this batch; a deal
        that was not has no role rows to delete (they go and come with the deal row).
        """
        if not deals:
            return
        if mirrored:
            self._delete_in(t.DealContact, t.DealContact.deal_id, mirrored)
        contacts = {c.id: c for d in deals for c in d.contacts}
        known = lookup(self.s, t.Contact, t.Contact.contact_id, self.connection, list(contacts))
        fresh: list[Row] = []
        changed: list[Row] = []
        for cid, contact in contacts.items():
            row = (self.connection, cid, model_json(contact))
            (changed if cid in known else fresh).append(row)
        insert_rows(self.s, t.Contact, _CONTACT_KEYS, fresh)
        update_rows(self.s, t.Contact, _CONTACT_KEYS, changed)
        links = {(d.id, c.id): c.role for d in deals for c in d.contacts}
        insert_rows(
            self.s,
            t.DealContact,
            _DEAL_CONTACT_KEYS,
            [(self.connection, d, c, r) for (d, c), r in links.items()],
        )

    def _delete_deals(self, ids: Sequence[str], counts: BatchCounts) -> None:
        """Remove deals (deleted, archived, merged away) and what hangs off them."""
        for i in range(0, len(ids), _CHUNK):
            chunk = list(ids[i : i + _CHUNK])
            known = set(
                self.s.scalars(
                    sa.select(t.Deal.deal_id).where(
                        t.Deal.connection == self.connection, t.Deal.deal_id.in_(chunk)
                    )
                )
            )
            for model in (t.Deal, *_DEAL_CHILDREN):
                self.s.execute(
                    sa.delete(model).where(
                        model.connection == self.connection, model.deal_id.in_(chunk)
                    )
                )
            counts.deleted_deals.extend(d for d in chunk if d in known)

    def _activities(
        self, records: Iterable[ActivityRecord], now: datetime, counts: BatchCounts
    ) -> None:
        newest: dict[str, ActivityRecord] = {}
        for rec in records:
            have = newest.get(rec.crm_id)
            if have is None or rec.modified_at >= have.modified_at:
                newest[rec.crm_id] = rec
        plain = {k: r for k, r in newest.items() if r.task is None}
        tasks = [r for r in newest.values() if r.task is not None]
        # only the stamp an older copy is compared by, not the whole JSON of each row
        existing = lookup(
            self.s,
            t.Activity,
            t.Activity.activity_id,
            self.connection,
            list(plain),
            _ACTIVITY_STAMP,
        )
        connection = self.connection
        gone: list[str] = []
        links: list[Row] = []
        fresh: list[Row] = []
        changed: list[Row] = []
        for activity_id, rec in plain.items():
            counts.activities += 1
            activity = rec.activity
            if rec.deleted or activity is None:
                gone.append(activity_id)
                continue
            known = existing.get(activity_id)
            stamp = rec.modified_at.astimezone(UTC).isoformat()
            if known is not None and stamp < (known[0] or ""):
                continue  # an older copy from the overlap window
            data = model_json(activity, _modified_at=stamp)
            # rows go in as executemany (no ORM instances): activities are the bulk of a pull
            (fresh if known is None else changed).append(
                (connection, activity_id, activity.at, data, now)
            )
            links.extend((connection, d, activity_id) for d in dict.fromkeys(rec.deal_ids))
        del existing
        insert_rows(self.s, t.Activity, _ACTIVITY_KEYS, fresh)
        update_rows(self.s, t.Activity, _ACTIVITY_KEYS, changed)
        if changed:
            # only an activity already mirrored can have links (they go and come with it)
            ids = [row[1] for row in changed]
            self._delete_in(t.DealActivity, t.DealActivity.activity_id, ids)
        insert_rows(self.s, t.DealActivity, _DEAL_ACTIVITY_KEYS, links)
        if gone:
            self._delete_activities(gone, counts)
        counts.tasks.extend(tasks)
        counts.activities += len(tasks)

    def _delete_activities(self, ids: Sequence[str], counts: BatchCounts) -> None:
        for i in range(0, len(ids), _CHUNK):
            chunk = list(ids[i : i + _CHUNK])
            for model in (t.Activity, t.DealActivity):
                self.s.execute(
                    sa.delete(model).where(
                        model.connection == self.connection, model.activity_id.in_(chunk)
                    )
                )
        counts.deleted_activities.extend(ids)

    def forget_unlisted(self, stamp: datetime) -> int:
        """After a complete listing: deals we mirror that the CRM no longer lists are gone.

        Every deal a pull lists is stamped ``updated_at = now`` as it is applied (an older
        copy that changes nothing included), so the listing of the run that started at
        ``stamp`` left exactly the unlisted deals without it: they are deleted in SQL, with
        what hangs off them, and no set of listed ids is held while the org is read.
        """
        conn = self.s.connection()
        # != rather than <: a run's stamp is its own, whatever the clock did between runs
        unlisted = (_DEALS.c.connection == self.connection, _DEALS.c.updated_at != stamp)
        ids = sa.select(_DEALS.c.deal_id).where(*unlisted)
        for model in _DEAL_CHILDREN:
            table = cast(sa.Table, model.__table__)
            conn.execute(
                sa.delete(table).where(
                    table.c.connection == self.connection, table.c.deal_id.in_(ids)
                )
            )
        gone = conn.execute(sa.delete(_DEALS).where(*unlisted))
        return int(gone.rowcount or 0)
