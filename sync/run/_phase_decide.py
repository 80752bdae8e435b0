"""The decide and plan phase of a run: every open deal decided, planned and handed on.

Chunks of open deals are read from the mirror, decided and planned against the ledger as
it stands after the chunks before them were pushed; each chunk's writes go to ``emit`` (the
streaming push) and the chunk is committed.  Deals left with an open task of ours but no
longer open, and the reps' prospecting tasks, are planned last.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from nextadvance.core import batch_gc, decide
from nextadvance.core.errors import NextAdvanceError
from nextadvance.core.models import Deal
from nextadvance.mappings import (
    WritebackPlan,
    plan_from_json,
    plan_json,
    render_writeback,
    restamp,
)

from ..store import _tables as t
from ..store._decided import Decided, Kept
from ..store._ledger import Ledger
from ..store._mirror import Mirror, MirroredDeal, jsonable
from ._parts import Parts
from ._plan import PlannedOp, plan_deal
from ._prospect import is_rep_handle, load_inputs, plan_prospecting
from ._report import ConflictItem, ProspectingSummary, RunReport
from ._reuse import deal_key
from ._tally import count_unmapped

__all__ = ["DecidePhase"]

log = logging.getLogger("nextadvance.sync")


class DecidePhase:
    """The decide and plan phase, mixed into the run (which sets these attributes)."""

    s: Session
    parts: Parts
    report: RunReport
    mirror: Mirror
    ledger: Ledger
    #: each open deal's kept write-back (``_reuse``), and the run's rules digest
    decided: Decided
    rules: str
    name: str
    now: datetime
    is_open: Callable[[Deal], bool]
    volatile: frozenset[str]
    stamp_field: str | None
    stage_titles: dict[str, str]
    _parked: dict[str, t.Parked] | None
    commit: Callable[[], None]
    _tick: Callable[[str, int, int | None], None]

    @batch_gc()  # decide creates no cycles: fewer collections (core/_gctune.py)
    def _decide_and_plan(
        self, emit: Callable[[list[PlannedOp]], None], stopped: Callable[[], bool]
    ) -> None:
        """Decide every open deal, a chunk at a time, handing each chunk's writes to ``emit``
        (which may push them at once: nothing grows with the number of deals)."""
        total = self.mirror.count_open()
        self.report.deals.open = total
        # deals open in the mirror but closed under the mapping in force (re-mapped since
        # the pull): the one exception the ledger's "not open" query cannot see
        restaged_closed: list[str] = []
        unmapped: list[str] = []
        for chunk in self.mirror.iter_open():
            ids = [m.deal.id for m in chunk]
            ledger = self.ledger.for_deals(ids)
            kept = self.decided.for_deals(ids)
            keep: list[tuple[str, str, bool, dict[str, Any]]] = []
            ops: list[PlannedOp] = []
            for m in chunk:
                if m.unmapped is not None:
                    count_unmapped(self.report, self.parts.mapping, m)  # its task is left as is
                    unmapped.append(m.deal.id)
                    continue
                if not self.is_open(m.deal):  # re-mapped to a closed stage since the pull
                    restaged_closed.append(m.deal.id)
                    self.report.deals.open -= 1
                    continue
                ops.extend(self._one(m, ledger.get(m.deal.id, {}), kept.get(m.deal.id), keep))
            self.decided.keep(keep, kept, self.now)
            del ledger, chunk, kept, keep
            emit(ops)
            self.commit()
            self.ledger.release()
            self._tick("decide", len(ids), total)
            if stopped():
                return
        # a kept write-back serves an open deal's next run only
        self.decided.forget_closed(restaged_closed + unmapped)
        # rep-level prospecting tasks are planned by _prospecting, not as deals that are gone
        gone = [d for d in self.ledger.open_task_deals(restaged_closed) if not is_rep_handle(d)]
        if gone:
            ledger = self.ledger.for_deals(gone)
            for deal_id in gone:
                plan = plan_deal(deal_id, None, {}, ledger.get(deal_id, {}))
                self._absorb(plan)
                emit(list(plan.ops))
        emit(self._prospecting())
        self.commit()

    def _one(
        self,
        m: MirroredDeal,
        ledger: Any,
        kept: Kept | None,
        keep: list[tuple[str, str, bool, dict[str, Any]]],
    ) -> list[PlannedOp]:
        """Plan one open deal: its kept write-back when its key is unchanged (``_reuse``),
        else decided and rendered now (and kept, with its key, in ``keep``)."""
        deal = m.deal
        try:
            now = self.parts.zones.now(deal, self.now)  # the owner's today and meeting days
            key = deal_key(self.rules, m.digest, deal, now)
            reused = None
            if kept is not None and kept[0] == key and not self.report.full:
                reused = self._kept_plan(deal.id, kept, now)
            if reused is not None:
                desired, parked = reused
                self.report.deals.reused += 1
            else:
                decision = decide(deal, self.parts.playbook, now)
                desired = render_writeback(
                    self.parts.mapping, deal, decision, now, self.stage_titles, self.parts.playbook
                )
                parked = bool(decision.momentum.parked)
                keep.append((deal.id, key, parked, plan_json(desired)))
        except Exception as exc:  # one bad deal must not stop the others
            self.report.deals.failed += 1
            if not isinstance(exc, NextAdvanceError):
                log.exception("deciding deal %s failed", deal.id)
            if self.report.message is None:
                self.report.message = f"deal {deal.id}: {type(exc).__name__}: {exc}"
            return []
        self.report.deals.decided += 1
        self._park(deal, parked)
        plan = plan_deal(
            deal.id,
            desired,
            m.crm_values,
            ledger,
            volatile=self.volatile,
            want_task=not parked,
            stamp_field=self.stamp_field,
        )
        self._absorb(plan)
        return plan.ops

    def _kept_plan(
        self, deal_id: str, kept: Kept, now: datetime
    ) -> tuple[WritebackPlan, bool] | None:
        """The kept write-back re-stamped at ``now``, and whether the deal was parked; None
        (decide again) when the row does not read back as a plan (edited by hand, say)."""
        try:
            return restamp(plan_from_json(kept[2]), self.parts.mapping, now), kept[1]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning(
                "deal %s: its kept write-back is unreadable (%s); deciding again", deal_id, exc
            )
            return None

    def _prospecting(self) -> list[PlannedOp]:
        """Today's rep-level prospecting tasks (``._prospect``); closes stale ones."""
        task = self.parts.mapping.writeback.task
        if task is None or not task.enabled:
            return []
        targets = self.parts.targets
        acts, known, rows = load_inputs(targets, self.ledger, self.s, self.name, self.now)
        if targets is None and not rows:
            return []
        plan = plan_prospecting(targets, acts, known, rows, self.now, task.object, task.key_field)
        for planned in plan.planned:
            self._absorb(planned)
        if targets is not None:
            self.report.prospecting = ProspectingSummary(
                reps=plan.reps, day_off=plan.day_off, unknown_reps=plan.unknown
            )
        return plan.ops

    def _park(self, deal: Any, parked: bool) -> None:
        if self._parked is None:
            self._parked = {
                r.deal_id: r
                for r in self.s.scalars(sa.select(t.Parked).where(t.Parked.connection == self.name))
            }
        row = self._parked.get(deal.id)
        if parked:
            self.report.deals.parked += 1
            if row is None:
                self.s.add(
                    t.Parked(
                        connection=self.name,
                        deal_id=deal.id,
                        parked_until=deal.parked_until,
                        reason=deal.parked_reason,
                        updated_at=self.now,
                    )
                )
            else:
                row.parked_until, row.reason, row.updated_at = (
                    deal.parked_until,
                    deal.parked_reason,
                    self.now,
                )
        elif row is not None:
            self.s.delete(row)

    def _absorb(self, plan: Any) -> None:
        for key, written in plan.promote.items():
            self.ledger.promote(key, written, self.now)
        for c in plan.conflicts:
            self.report.conflicts.append(
                ConflictItem(
                    record=c.key,
                    deal=c.deal_id,
                    field=c.field,
                    ours=jsonable(c.ours),
                    theirs=jsonable(c.theirs),
                )
            )
            self.ledger.record_conflict(c, self.report.run_id, self.now)
        if plan.unchanged_task:
            self.report.tasks.unchanged += 1
