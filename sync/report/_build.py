"""Compute every measure of the report once, from deals, a playbook, a period and ``now``.

The HTML, JSON and CSV outputs all render this one :class:`ReportData`, so the numbers in
the charts are the numbers in the exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from nextadvance.core import Decision, MappingError, Playbook, decide
from nextadvance.core.measures import (
    AdvanceReport,
    ClosedStages,
    DayPlan,
    DealStatus,
    ObjectiveDrift,
    Period,
    Productivity,
    QuestionsAsked,
    Ratio,
    SitCounts,
    SitReport,
    StageCoverage,
    Velocity,
    advance_rate,
    objective_coverage,
    objective_outcomes,
    plan_day,
    productivity,
    questions_asked,
    rep_of,
    sit_rate,
    velocity,
    velocity_by,
)
from nextadvance.core.models import Deal

from ._feedback import Suggestions
from ._input import BadLine
from ._targets import Targets

__all__ = ["RepPlan", "ReportData", "build_report"]


@dataclass(frozen=True)
class RepPlan:
    """One rep's plan for one target today."""

    rep: str
    tz: str
    plan: DayPlan


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, computed once."""

    period: Period
    now: datetime
    tz_name: str
    deals: int
    open_deals: int
    skipped: tuple[BadLine, ...]
    sit: SitReport
    sit_by_month: dict[str, SitCounts]
    velocity: Velocity
    velocity_by_rep: dict[str, Velocity]
    velocity_by_team: dict[str, Velocity]
    velocity_by_pipeline: dict[str, Velocity]
    velocity_by_month: dict[str, Velocity]
    advance: AdvanceReport
    advance_by_month: dict[str, Ratio]
    coverage: dict[str, StageCoverage]
    productivity: Productivity
    questions: QuestionsAsked
    questions_by_rep: dict[str, QuestionsAsked]
    drift: list[ObjectiveDrift]
    goals: list[RepPlan] = field(default_factory=list)
    #: reps' answers on the coach card (reports from a connection's mirror only)
    suggestions: Suggestions | None = None


def build_report(
    deals: Sequence[Deal],
    playbook: Playbook,
    period: Period,
    now: datetime,
    tz_name: str,
    targets: Targets | None = None,
    skipped: Sequence[BadLine] = (),
) -> ReportData:
    """All measures for ``period`` as of ``now``; deals the playbook cannot place are skipped.

    A deal whose stage the playbook does not know is added to ``skipped`` (by deal id)
    rather than failing the whole report.
    """
    tg = targets or Targets()
    bad = list(skipped)
    known: list[Deal] = []
    decisions: list[Decision] = []
    closed = ClosedStages.from_playbook(playbook)
    for deal in deals:
        try:
            decision = decide(deal, playbook, now)
        except MappingError as exc:
            bad.append(BadLine(0, f"deal {deal.id!r}: {exc.problems[0].message}"))
            continue
        known.append(deal)
        decisions.append(decision)
    months = period.months()
    teams = tg.teams
    goals: list[RepPlan] = []
    for rep in tg.reps:
        acts = [a for d in known for a in d.activities if rep_of(d, a) == rep.owner_id]
        for target in rep.targets:
            plan = plan_day(target, acts, rep.tz, now, tg.working)
            goals.append(RepPlan(rep.rep, str(rep.tz), plan))
    total_q, by_rep_q = questions_asked(known, playbook, period, now)
    advance = advance_rate(known, playbook, period, now)
    advance_by_month = {
        m.label: Ratio(
            sum(c.advance for c in advance.conversations if m.contains(c.at)),
            sum(1 for c in advance.conversations if m.contains(c.at)),
        )
        for m in months
    }
    return ReportData(
        period=period,
        now=now,
        tz_name=tz_name,
        deals=len(known),
        open_deals=sum(closed.status(d) is DealStatus.open for d in known),
        skipped=tuple(bad),
        sit=sit_rate(known, period, now, teams),
        sit_by_month={m.label: sit_rate(known, m, now).total for m in months},
        velocity=velocity(known, period, now, closed),
        velocity_by_rep=velocity_by(known, period, now, lambda d: rep_of(d), closed),
        velocity_by_team=velocity_by(known, period, now, lambda d: teams.get(rep_of(d)), closed),
        velocity_by_pipeline=velocity_by(
            known, period, now, lambda d: d.pipeline or "(default)", closed
        ),
        velocity_by_month={m.label: velocity(known, m, now, closed) for m in months},
        advance=advance,
        advance_by_month=advance_by_month,
        coverage=objective_coverage(decisions, playbook),
        productivity=productivity(known, period, now, teams),
        questions=total_q,
        questions_by_rep=by_rep_q,
        drift=objective_outcomes(known, playbook, period, now),
        goals=goals,
    )
