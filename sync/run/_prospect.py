"""Prospecting: each rep's bite-sized blocks for today as one rep-level CRM task.

Opt-in per connection (``prospecting: {targets: FILE}``).  Each run, for every rep of the
targets file whose CRM owner id the mirror knows (the owner of a mirrored deal or activity),
today's :func:`~nextadvance.core.measures.plan_day` is computed in the rep's timezone from
the mirrored activities that rep owns (the pull reads activities linked to deals, so those
are what counts), rendered as one task ("Prospecting today: 5 calls, 3 emails", one line per
block with plan, done, missed and re-spread) and planned through the same ledger and the
same rules as the deal tasks (:func:`._plan.plan_deal`): no write when nothing changed, a
rep's edit is a conflict left alone, a task the rep completed or deleted is not renewed.

The task's ledger handle is ``rep:<owner id>`` (where a deal task has its deal id) and its
key ``na-rep-<owner id>-<yyyy-mm-dd>``; a new day's key makes the planner close the day
before's task, and a rep who leaves the file (or a day off) gets their open task closed.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from nextadvance.connectors import WriteKind
from nextadvance.core.measures import BlockState, DayPlan, Metric, plan_day
from nextadvance.core.models import Activity, fixed_offset
from nextadvance.mappings import TaskPlan, WritebackPlan

from ..config._targets import RepGoals, Targets
from ..store import LedgerView, PlannedOp
from ..store import _tables as t
from ..store._ledger import Ledger
from ._plan import Planned, plan_deal

__all__ = [
    "REP_HANDLE",
    "ProspectPlan",
    "is_rep_handle",
    "plan_prospecting",
    "render_day",
    "rep_handle",
    "rep_task_key",
]

#: Prefix of the ledger handle of a rep-level task (where a deal task has its deal id).
REP_HANDLE = "rep:"
_UNIT = {Metric.calls: "call", Metric.emails: "email", Metric.meetings: "meeting"}


def rep_handle(owner_id: str) -> str:
    """The ledger's ``deal_id`` for a rep's prospecting tasks."""
    return f"{REP_HANDLE}{owner_id}"


def is_rep_handle(deal_id: str) -> bool:
    """Whether a ledger ``deal_id`` is a rep's handle rather than a deal."""
    return deal_id.startswith(REP_HANDLE)


def rep_task_key(owner_id: str, day: date) -> str:
    """The idempotency key of one rep's prospecting task for one (local) day."""
    return f"na-rep-{owner_id}-{day.isoformat()}"


def _n(count: int, metric: Metric) -> str:
    unit = _UNIT[metric]
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def render_day(plans: Sequence[DayPlan]) -> tuple[str, str] | None:
    """Subject and body of one rep's task for today; None on a day off (no blocks at all).

    Subject: today's target per metric ("Prospecting today: 5 calls, 3 emails").  Body: one
    line per block ("09:00–12:00 (now): 3 calls (1 done, +1 carried over)"), then today's and
    the period's progress.  No clock time in the text, so an idle run changes nothing.
    """
    plans = [p for p in plans if p.blocks]
    if not plans:
        return None
    wanted = [_n(p.day_target, p.metric) for p in plans if p.day_target > 0]
    subject = "Prospecting today: " + (", ".join(wanted) if wanted else "target met, well done")
    lines: list[str] = []
    for i, block in enumerate(plans[0].blocks):
        items = []
        for p in plans:
            b = p.blocks[i]
            if not (b.target or b.done or b.planned):
                continue
            text = _n(b.target, p.metric)
            notes = []
            ended = b.state in (BlockState.met, BlockState.missed)
            if b.done or ended or b.state is BlockState.current:
                notes.append(f"{b.done} done")
            if b.state is BlockState.missed:
                notes.append(f"{b.target - b.done} missed")
            if not ended and b.target > b.planned:
                notes.append(f"+{b.target - b.planned} carried over")
            items.append(text + (f" ({', '.join(notes)})" if notes else ""))
        if not items:
            continue
        met = all(p.blocks[i].state is BlockState.met for p in plans)
        state = " (now)" if block.state is BlockState.current else " ✓" if met else ""
        span = f"{block.local_start:%H:%M}–{block.local_end:%H:%M}"
        lines.append(f"{span}{state}: {', '.join(items)}")
    today = ", ".join(f"{p.done_today} of {_n(p.day_target, p.metric)}" for p in plans)
    lines.append(f"Done today: {today}.")
    for name, per in (("This week", True), ("This month", False)):
        so_far = [
            f"{p.done_in_period} of {_n(p.period_target, p.metric)}"
            for p in plans
            if ("-W" in p.period.label) is per
        ]
        if so_far:
            lines.append(f"{name}: {', '.join(so_far)}.")
    missed = [_n(p.missed, p.metric) for p in plans if p.missed]
    if missed and any(
        b.state in (BlockState.current, BlockState.upcoming) for b in plans[0].blocks
    ):
        lines.append(f"Missed earlier today: {', '.join(missed)}, spread over the blocks left.")
    return subject, "\n".join(lines)


@dataclass
class ProspectPlan:
    """The writes for the reps' tasks, and what the run report says about them."""

    planned: list[Planned] = field(default_factory=list)
    reps: list[str] = field(default_factory=list)
    day_off: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def ops(self) -> list[PlannedOp]:
        """Every write, the rep-level upserts as :attr:`WriteKind.upsert_rep_task`."""
        out = []
        for plan in self.planned:
            for op in plan.ops:
                if op.write.kind is WriteKind.upsert_task:
                    op = dataclasses.replace(
                        op, write=dataclasses.replace(op.write, kind=WriteKind.upsert_rep_task)
                    )
                out.append(op)
        return out


def plan_prospecting(
    targets: Targets | None,
    activities: Mapping[str, Sequence[Activity]],
    known_owners: Iterable[str],
    ledger: Mapping[str, Mapping[str, LedgerView]],
    now: datetime,
    task_object: str,
    task_key_field: str,
) -> ProspectPlan:
    """Plan every rep's task for today (pure).

    ``activities`` are the mirrored activities by owner id; ``ledger`` the rows of every rep
    handle there are, by handle then key.  Handles of reps no longer planned (left the file,
    owner unknown, prospecting switched off: ``targets`` None) get their open task closed.
    """
    out = ProspectPlan()
    known = set(known_owners)
    wanted: set[str] = set()
    goals = targets if targets is not None else Targets()
    for rep in goals.reps:
        if not rep.targets:
            continue
        owner = rep.owner_id
        if rep_handle(owner) in wanted:
            continue  # two entries for one owner id: the first one counts
        if owner not in known:
            out.unknown.append(rep.rep)
            continue
        handle = rep_handle(owner)
        wanted.add(handle)
        desired = _desired(rep, goals, activities.get(owner, ()), now, task_object, task_key_field)
        if desired is None:
            out.day_off.append(owner)
        else:
            out.reps.append(owner)
        out.planned.append(plan_deal(handle, desired, {}, ledger.get(handle, {})))
    for handle, rows in sorted(ledger.items()):
        if handle not in wanted:
            out.planned.append(plan_deal(handle, None, {}, rows))
    return out


def _local_dates(activities: Sequence[Activity], tz: tzinfo) -> list[Activity]:
    """Date-only activity times (Salesforce ``ActivityDate``: midnight UTC) as that date's
    local start of day, so a call logged today in New York is not yesterday's."""
    out = []
    for a in activities:
        at = a.at.astimezone(UTC)
        if at.hour == at.minute == at.second == at.microsecond == 0:
            # pinned to its offset as the model pins what it validates (model_copy does not)
            local = fixed_offset(datetime.combine(at.date(), time(0), tzinfo=tz))
            a = a.model_copy(update={"at": local})
        out.append(a)
    return out


def _desired(
    rep: RepGoals,
    targets: Targets,
    activities: Sequence[Activity],
    now: datetime,
    task_object: str,
    task_key_field: str,
) -> WritebackPlan | None:
    acts = _local_dates(activities, rep.tz)
    plans = [plan_day(tg, acts, rep.tz, now, targets.working) for tg in rep.targets]
    text = render_day(plans)
    if text is None:
        return None
    subject, body = text
    handle, day = rep_handle(rep.owner_id), plans[0].day
    task = TaskPlan(
        object_type=task_object,
        key_field=task_key_field,
        key=rep_task_key(rep.owner_id, day),
        deal_id=handle,
        subject=subject,
        body=body,
        due=day,
        priority=None,
        type=None,
        owner=rep.owner_id,
        due_tz=getattr(rep.tz, "key", None),  # HubSpot: due at 09:00 the rep's time
    )
    return WritebackPlan(deal_id=handle, deal_object="", deal_fields={}, task=task)


# --------------------------------------------------------------------------- store reads


def rep_ledger(
    ledger: Ledger, session: Session, connection: str
) -> dict[str, dict[str, LedgerView]]:
    """The ledger rows of rep handles, by handle then key (not those we closed ourselves)."""
    out: dict[str, dict[str, LedgerView]] = defaultdict(dict)
    rows = session.scalars(
        sa.select(t.LedgerEntry).where(
            t.LedgerEntry.connection == connection,
            t.LedgerEntry.deal_id.startswith(REP_HANDLE, autoescape=True),
            # tasks we closed ourselves need nothing more (the bulk of the history)
            sa.not_(sa.and_(t.LedgerEntry.op == "close_task", t.LedgerEntry.status == "done")),
        )
    )
    for row in rows:
        out[row.deal_id][row.idem_key] = ledger.view(row)
    return dict(out)


def rep_activities(
    session: Session, connection: str, owners: Sequence[str], since: datetime
) -> dict[str, list[Activity]]:
    """Mirrored activities of these owners since ``since`` that are linked to a deal."""
    out: dict[str, list[Activity]] = defaultdict(list)
    if not owners:
        return {}
    # EXISTS (SELECT activity_id ...), not SELECT *: SQLite then searches the link index by
    # (connection, activity_id); with * it scanned the connection's links once per activity
    linked = (
        sa.select(t.DealActivity.activity_id)
        .where(
            t.DealActivity.connection == t.Activity.connection,
            t.DealActivity.activity_id == t.Activity.activity_id,
        )
        .exists()
    )
    rows = session.scalars(
        sa.select(t.Activity.data).where(
            t.Activity.connection == connection,
            t.Activity.at >= since,
            t.Activity.data["owner"].as_string().in_(list(owners)),
            linked,
        )
    )
    for data in rows:
        activity = Activity.model_validate({k: v for k, v in data.items() if not k.startswith("_")})
        if activity.owner:
            out[activity.owner].append(activity)
    return dict(out)


def known_owners(session: Session, connection: str, owners: Sequence[str]) -> set[str]:
    """Which of these owner ids own a mirrored deal."""
    if not owners:
        return set()
    return {
        o
        for o in session.scalars(
            sa.select(t.Deal.owner)
            .where(t.Deal.connection == connection, t.Deal.owner.in_(list(owners)))
            .distinct()
        )
        if o
    }


def window_start(now: datetime) -> datetime:
    """Early enough for any week or month a rep's plan looks at (timezones included)."""
    return now - timedelta(days=33)


def load_inputs(
    targets: Targets | None, ledger: Ledger, session: Session, connection: str, now: datetime
) -> tuple[dict[str, list[Activity]], set[str], dict[str, dict[str, LedgerView]]]:
    """What :func:`plan_prospecting` needs from the store."""
    owners = sorted({r.owner_id for r in targets.reps}) if targets is not None else []
    acts = rep_activities(session, connection, owners, window_start(now))
    known = known_owners(session, connection, owners) | set(acts)
    return acts, known, rep_ledger(ledger, session, connection)
