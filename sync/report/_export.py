"""The report's numbers as JSON (nested, for tools) or CSV (one long table, for sheets).

Every ratio carries numerator, denominator and value, so a reader can re-aggregate
without guessing how a percentage was formed.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from nextadvance.core.measures import (
    DayPlan,
    QuestionsAsked,
    Ratio,
    RepProductivity,
    SitCounts,
    StageCoverage,
    Velocity,
)

from ._build import ReportData

__all__ = ["to_csv", "to_json"]


def _ratio(r: Ratio) -> dict[str, Any]:
    return {"numerator": r.numerator, "denominator": r.denominator, "value": r.value}


def _sit(c: SitCounts) -> dict[str, Any]:
    return {
        "held": c.held,
        "no_show": c.no_show,
        "canceled": c.canceled,
        "unlogged": c.unlogged,
        "reschedule_open": c.reschedule_open,
        "future": c.future,
        "rate": _ratio(c.rate),
    }


def _velocity(v: Velocity) -> dict[str, Any]:
    return {
        "open": v.open_count,
        "won": v.won,
        "lost": v.lost,
        "win_rate": _ratio(v.win_rate),
        "avg_won_amount": v.avg_won_amount,
        "avg_cycle_days": v.avg_cycle_days,
        "per_day": v.per_day,
    }


def _prod(p: RepProductivity) -> dict[str, Any]:
    return {
        "meetings_by_week": p.meetings_by_week,
        "meetings": p.meetings,
        "meetings_per_week": p.meetings_per_week,
        "calls": p.calls,
        "calls_per_meeting": _ratio(p.calls_per_meeting),
    }


def _cov(c: StageCoverage) -> dict[str, Any]:
    return {
        "deals": c.deals,
        "coverage": _ratio(c.coverage),
        "readiness": _ratio(c.readiness),
        "stage_gap": _ratio(c.stage_gap),
        "objectives": {k: _ratio(v) for k, v in c.objectives.items()},
    }


def _questions(q: QuestionsAsked) -> dict[str, Any]:
    return {
        "rate": _ratio(q.rate),
        "without_notes": q.without_notes,
        "by_objective": q.by_objective,
    }


def _plan(rep: str, tz: str, p: DayPlan) -> dict[str, Any]:
    return {
        "rep": rep,
        "timezone": tz,
        "metric": p.metric.value,
        "day": p.day.isoformat(),
        "period": p.period.label,
        "period_target": p.period_target,
        "done_in_period": p.done_in_period,
        "working_days_left": p.working_days_left,
        "day_target": p.day_target,
        "done_today": p.done_today,
        "missed": p.missed,
        "blocks": [
            {
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "local": f"{b.local_start:%H:%M}-{b.local_end:%H:%M}",
                "planned": b.planned,
                "done": b.done,
                "target": b.target,
                "state": b.state.value,
                "label": b.label(p.metric),
            }
            for b in p.blocks
        ],
    }


def to_json(data: ReportData) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    return {
        "period": {
            "label": data.period.label,
            "start": data.period.start.isoformat(),
            "end": data.period.end.isoformat(),
            "timezone": data.tz_name,
        },
        "now": data.now.isoformat(),
        "deals": data.deals,
        "open_deals": data.open_deals,
        "skipped": [{"line": b.line, "reason": b.reason} for b in data.skipped],
        "sit_rate": {
            "total": _sit(data.sit.total),
            "by_rep": {k: _sit(v) for k, v in data.sit.by_rep.items()},
            "by_team": {k: _sit(v) for k, v in data.sit.by_team.items()},
            "by_month": {k: _sit(v) for k, v in data.sit_by_month.items()},
            "not_counted": [
                {
                    "deal_id": c.deal_id,
                    "meetings": list(c.meeting_ids),
                    "at": c.at.isoformat(),
                    "rep": c.rep,
                    "status": c.status.value,
                }
                for c in data.sit.not_counted
            ],
        },
        "velocity": {
            "total": _velocity(data.velocity),
            "by_rep": {k: _velocity(v) for k, v in data.velocity_by_rep.items()},
            "by_team": {k: _velocity(v) for k, v in data.velocity_by_team.items()},
            "by_pipeline": {k: _velocity(v) for k, v in data.velocity_by_pipeline.items()},
            "by_month": {k: _velocity(v) for k, v in data.velocity_by_month.items()},
        },
        "advance_rate": {
            "total": _ratio(data.advance.total),
            "by_rep": {k: _ratio(v) for k, v in data.advance.by_rep.items()},
            "by_stage": {k: _ratio(v) for k, v in data.advance.by_stage.items()},
            "by_rep_stage": {
                rep: {k: _ratio(v) for k, v in row.items()}
                for rep, row in data.advance.by_rep_stage.items()
            },
            "by_month": {k: _ratio(v) for k, v in data.advance_by_month.items()},
        },
        "objective_coverage": {k: _cov(v) for k, v in data.coverage.items()},
        "productivity": {
            "weeks": list(data.productivity.weeks),
            "total": _prod(data.productivity.total),
            "by_rep": {k: _prod(v) for k, v in data.productivity.by_rep.items()},
            "by_team": {k: _prod(v) for k, v in data.productivity.by_team.items()},
        },
        "drift": {
            "questions_asked": {
                "total": _questions(data.questions),
                "by_rep": {k: _questions(v) for k, v in data.questions_by_rep.items()},
            },
            "objectives": [
                {
                    "objective": d.objective_id,
                    "title": d.title,
                    "stage": d.stage,
                    "essential": d.essential,
                    "won": _ratio(d.won),
                    "lost": _ratio(d.lost),
                    "lift": d.lift,
                    "support": d.support,
                    "suggestion": d.suggestion.value,
                    "reason": d.reason,
                }
                for d in data.drift
            ],
        },
        "goals": [_plan(g.rep, g.tz, g.plan) for g in data.goals],
    }


_COLUMNS = ["measure", "group", "key", "numerator", "denominator", "value"]


def to_csv(data: ReportData) -> str:
    """One row per number: measure, group (total/rep/team/...), key, num, den, value."""
    rows: list[list[Any]] = []

    def ratio(measure: str, group: str, key: str, r: Ratio) -> None:
        rows.append([measure, group, key, r.numerator, r.denominator, r.value])

    def number(measure: str, group: str, key: str, value: float | int | None) -> None:
        rows.append([measure, group, key, "", "", value])

    ratio("sit_rate", "total", "", data.sit.total.rate)
    for group, sits in (
        ("rep", data.sit.by_rep),
        ("team", data.sit.by_team),
        ("month", data.sit_by_month),
    ):
        for key, c in sits.items():
            ratio("sit_rate", group, key, c.rate)
    number(
        "unlogged_meetings", "total", "", data.sit.total.unlogged + data.sit.total.reschedule_open
    )
    velocities = (
        ("total", {"": data.velocity}),
        ("rep", data.velocity_by_rep),
        ("team", data.velocity_by_team),
        ("pipeline", data.velocity_by_pipeline),
        ("month", data.velocity_by_month),
    )
    for group, vs in velocities:
        for key, v in vs.items():
            number("velocity_per_day", group, key, v.per_day)
            number("open_opportunities", group, key, v.open_count)
            ratio("win_rate", group, key, v.win_rate)
            number("avg_won_amount", group, key, v.avg_won_amount)
            number("avg_cycle_days", group, key, v.avg_cycle_days)
    ratio("advance_rate", "total", "", data.advance.total)
    for key, r in data.advance.by_rep.items():
        ratio("advance_rate", "rep", key, r)
    for key, r in data.advance.by_stage.items():
        ratio("advance_rate", "stage", key, r)
    for rep, row in data.advance.by_rep_stage.items():
        for stage, r in row.items():
            ratio("advance_rate", "rep_stage", f"{rep}/{stage}", r)
    for key, r in data.advance_by_month.items():
        ratio("advance_rate", "month", key, r)
    for stage, cov in data.coverage.items():
        ratio("objective_coverage", "stage", stage, cov.coverage)
        ratio("readiness", "stage", stage, cov.readiness)
        ratio("stage_gap", "stage", stage, cov.stage_gap)
    for group, prods in (
        ("total", {"": data.productivity.total}),
        ("rep", data.productivity.by_rep),
        ("team", data.productivity.by_team),
    ):
        for key, p in prods.items():
            number("meetings_per_week", group, key, p.meetings_per_week)
            ratio("calls_per_meeting", group, key, p.calls_per_meeting)
            for week, n in p.meetings_by_week.items():
                number("meetings_booked", f"{group}_week", f"{key}/{week}" if key else week, n)
    ratio("questions_asked", "total", "", data.questions.rate)
    for key, q in data.questions_by_rep.items():
        ratio("questions_asked", "rep", key, q.rate)
    for d in data.drift:
        ratio("learned_in_won", "objective", d.objective_id, d.won)
        ratio("learned_in_lost", "objective", d.objective_id, d.lost)
        rows.append(["suggestion", "objective", d.objective_id, "", "", d.suggestion.value])
    for g in data.goals:
        number("goal_day_target", "rep", f"{g.rep}/{g.plan.metric.value}", g.plan.day_target)
        number("goal_done_today", "rep", f"{g.rep}/{g.plan.metric.value}", g.plan.done_today)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_COLUMNS)
    writer.writerows(rows)
    return buf.getvalue()
