"""The report's plotly figures, one function per chart, all from :class:`ReportData`.

Figures are returned as HTML fragments without plotly.js; the page inlines the library
once so the file opens offline.  Each chart's div id is stable (``chart-...``) so the
rendering test and readers' bookmarks can find it.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from nextadvance.core.measures import Ratio, Velocity

from ._build import ReportData

__all__ = ["CHART_IDS", "charts"]

_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}
_COLORS = [
    "#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c",
    "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d",
]  # fmt: skip


def _pct(r: Ratio) -> float | None:
    return None if r.value is None else round(100 * r.value, 1)


def _label(r: Ratio) -> str:
    return "n/a" if r.value is None else f"{r.numerator}/{r.denominator}"


def _figure(title: str, y_title: str, *, percent: bool = False) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        title={"text": title, "x": 0.01},
        template="plotly_white",
        height=340,
        margin={"l": 60, "r": 20, "t": 80, "b": 60},
        yaxis_title=y_title,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    if percent:
        fig.update_yaxes(range=[0, 105], ticksuffix="%")
    return fig


def _empty(fig: go.Figure, xs: Sequence[object]) -> go.Figure:
    if not xs:
        fig.add_annotation(text="no data in this period", showarrow=False, font={"size": 16})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return fig


def _ratio_bar(title: str, y_title: str, values: dict[str, Ratio]) -> go.Figure:
    fig = _figure(title, y_title, percent=True)
    xs = list(values)
    fig.add_bar(
        x=xs,
        y=[_pct(r) for r in values.values()],
        text=[_label(r) for r in values.values()],
        textposition="outside",
        marker_color=_COLORS[0],
        name=y_title,
    )
    return _empty(fig, xs)


def _sit_month(data: ReportData) -> go.Figure:
    fig = _figure("Sit rate per month", "held / (held + no-show + canceled)", percent=True)
    months = list(data.sit_by_month)
    rates = [c.rate for c in data.sit_by_month.values()]
    fig.add_scatter(
        x=months,
        y=[_pct(r) for r in rates],
        mode="lines+markers+text",
        text=[_label(r) for r in rates],
        textposition="top center",
        name="sit rate",
    )
    unlogged = [c.unlogged + c.reschedule_open for c in data.sit_by_month.values()]
    fig.add_bar(
        x=months,
        y=unlogged,
        name="past meetings without outcome",
        yaxis="y2",
        marker_color="#f59e0b",
        opacity=0.5,
    )
    fig.update_layout(
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "title": "unlogged",
            "dtick": max(1, -(-max(unlogged, default=0) // 5)),
            "rangemode": "tozero",
            "showgrid": False,
        }
    )
    return _empty(fig, months)


def _velocity(title: str, values: dict[str, Velocity]) -> go.Figure:
    fig = _figure(title, "amount per day")
    xs = list(values)
    ys = [v.per_day for v in values.values()]
    fig.add_bar(
        x=xs,
        y=ys,
        text=["n/a" if y is None else f"{y:,.0f}" for y in ys],
        textposition="outside",
        marker_color=_COLORS[1],
        name="velocity",
    )
    return _empty(fig, xs)


def _advance(data: ReportData) -> go.Figure:
    fig = _figure("Advance rate per rep and stage", "advances / conversations", percent=True)
    stages: list[str] = []
    for row in data.advance.by_rep_stage.values():
        stages += [s for s in row if s not in stages]
    reps = list(data.advance.by_rep_stage)
    for i, stage in enumerate(stages):
        cells = [data.advance.by_rep_stage[r].get(stage, Ratio(0, 0)) for r in reps]
        fig.add_bar(
            x=reps,
            y=[_pct(c) for c in cells],
            text=[_label(c) for c in cells],
            name=stage,
            marker_color=_COLORS[i % len(_COLORS)],
        )
    fig.update_layout(barmode="group")
    return _empty(fig, reps)


def _coverage(data: ReportData) -> go.Figure:
    fig = _figure("Objective coverage and stage gap (open deals)", "share of deals", percent=True)
    stages = list(data.coverage)
    series = (
        ("essentials learned", [c.coverage for c in data.coverage.values()], _COLORS[1]),
        ("ready to advance", [c.readiness for c in data.coverage.values()], _COLORS[0]),
        ("stage gap", [c.stage_gap for c in data.coverage.values()], _COLORS[2]),
    )
    for name, ratios, color in series:
        fig.add_bar(
            x=stages,
            y=[_pct(r) for r in ratios],
            text=[_label(r) for r in ratios],
            name=name,
            marker_color=color,
        )
    fig.update_layout(barmode="group")
    return _empty(fig, stages)


def _meetings(data: ReportData) -> go.Figure:
    fig = _figure("Meetings booked per rep per week", "meetings")
    weeks = list(data.productivity.weeks)
    for i, (rep, p) in enumerate(data.productivity.by_rep.items()):
        fig.add_scatter(
            x=weeks,
            y=list(p.meetings_by_week.values()),
            mode="lines+markers",
            name=rep,
            line={"color": _COLORS[i % len(_COLORS)]},
        )
    return _empty(fig, weeks if data.productivity.by_rep else [])


def _drift(data: ReportData) -> go.Figure:
    fig = _figure("Objectives learned in won vs lost deals", "share of closed deals", percent=True)
    ids = [d.objective_id for d in data.drift]
    fig.add_bar(
        x=ids,
        y=[_pct(d.won) for d in data.drift],
        name="won",
        text=[_label(d.won) for d in data.drift],
        marker_color=_COLORS[1],
    )
    fig.add_bar(
        x=ids,
        y=[_pct(d.lost) for d in data.drift],
        name="lost",
        text=[_label(d.lost) for d in data.drift],
        marker_color=_COLORS[2],
    )
    fig.update_layout(barmode="group", height=440, margin={"b": 150}, legend={"y": 1.08, "x": 0.8})
    return _empty(fig, ids)


def _goals(data: ReportData) -> go.Figure:
    fig = _figure("Prospecting today: done vs today's target", "activities")
    names = [f"{g.rep} · {g.plan.metric.value}" for g in data.goals]
    fig.add_bar(
        x=names,
        y=[g.plan.day_target for g in data.goals],
        name="today's target",
        marker_color="#cbd5e1",
    )
    fig.add_bar(
        x=names,
        y=[g.plan.done_today for g in data.goals],
        name="done today",
        marker_color=_COLORS[0],
    )
    fig.update_layout(barmode="overlay", height=400, margin={"b": 120})
    return _empty(fig, names)


def charts(data: ReportData) -> dict[str, str]:
    """Chart id → HTML fragment (div + script), in page order."""
    figures = {
        "chart-sit-rep": _ratio_bar(
            "Sit rate per rep", "sit rate", {k: v.rate for k, v in data.sit.by_rep.items()}
        ),
        "chart-sit-month": _sit_month(data),
        "chart-velocity-month": _velocity("Pipeline velocity per month", data.velocity_by_month),
        "chart-velocity-rep": _velocity("Pipeline velocity per rep", data.velocity_by_rep),
        "chart-advance": _advance(data),
        "chart-coverage": _coverage(data),
        "chart-meetings": _meetings(data),
        "chart-questions": _ratio_bar(
            "Call notes showing the stage's questions",
            "notes with questions",
            {k: v.rate for k, v in data.questions_by_rep.items()},
        ),
        "chart-drift": _drift(data),
    }
    if data.goals:
        figures["chart-goals"] = _goals(data)
    return {
        cid: fig.to_html(full_html=False, include_plotlyjs=False, div_id=cid, config=_CONFIG)
        for cid, fig in figures.items()
    }


#: Charts every report has (the goals chart only with a targets file).
CHART_IDS = (
    "chart-sit-rep",
    "chart-sit-month",
    "chart-velocity-month",
    "chart-velocity-rep",
    "chart-advance",
    "chart-coverage",
    "chart-meetings",
    "chart-questions",
    "chart-drift",
)
