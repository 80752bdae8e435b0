"""The report page: one self-contained HTML file with KPI cards, charts and tables.

plotly.js is inlined once in the head, so the file opens offline (e-mail attachment,
shared drive) and the charts still draw.  All text from the CRM is HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from plotly.offline import get_plotlyjs

from ._advice import advice, for_people, with_advice
from ._advice import pct as _pct
from ._build import ReportData
from ._charts import charts
from ._feedback import FeedbackCounts

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#0f172a;
background:#f8fafc}
header{background:#0f172a;color:#f8fafc;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#cbd5e1;font-size:13px}
main{padding:12px 28px 40px;max-width:1280px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px;
margin:16px 0}
.kpi{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 14px}
.kpi .v{font-size:26px;font-weight:600}.kpi .l{font-size:12px;color:#475569}
.kpi .s{font-size:11px;color:#64748b}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;
margin:16px 0}
section h2{font-size:17px;margin:4px 0 2px}
section p.def{font-size:12px;color:#475569;margin:0 0 8px}
.row{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px}
@media (max-width:900px){.row{grid-template-columns:minmax(0,1fr)}}
table{border-collapse:collapse;font-size:12px;margin:8px 0;width:100%}
th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left}
th{background:#f1f5f9;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.warn{background:#fef3c7;border-color:#f59e0b}
.todo{background:#fee2e2;border-left:4px solid #dc2626;padding:4px 8px;margin:6px 0}
.tag{display:inline-block;padding:1px 6px;border-radius:4px;font-size:11px;background:#e2e8f0}
.tag.promote{background:#dcfce7}.tag.demote{background:#fee2e2}.tag.retire{background:#fde68a}
.tag.missed{background:#fee2e2}.tag.met{background:#dcfce7}.tag.current{background:#dbeafe}
"""


def _cur(d: ReportData) -> str:
    return f" ({d.currency})" if d.currency else ""


def _num(value: float | int | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


_NUMERIC = re.compile(r"^(n/a|[-+]?[\d,.]+%?( ?/ ?[\d,.]+)?)$")


def _table(head: Sequence[str], rows: Iterable[Sequence[object]], numeric_from: int = 1) -> str:
    """A table; cells that look numeric (from column ``numeric_from``) are right-aligned."""
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    count = 0
    for row in rows:
        count += 1
        cells = []
        for i, cell in enumerate(row):
            text = cell if isinstance(cell, _Raw) else escape(str(cell))
            numeric = i >= numeric_from and bool(_NUMERIC.match(str(cell)))
            cls = ' class="n"' if numeric else ""
            cells.append(f"<td{cls}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    if count == 0:
        out.append(f'<tr><td colspan="{len(head)}">nothing in this period</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


class _Raw(str):
    """Already-escaped HTML for a table cell."""


def _tag(text: str) -> _Raw:
    return _Raw(f'<span class="tag {escape(text)}">{escape(text)}</span>')


def _kpi(label: str, value: str, sub: str = "") -> str:
    return (
        f'<div class="kpi"><div class="v">{escape(value)}</div>'
        f'<div class="l">{escape(label)}</div><div class="s">{escape(sub)}</div></div>'
    )


def _section(title: str, definition: str, body: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return (
        f"<section{cls}><h2>{escape(title)}</h2>"
        f'<p class="def">{escape(definition)}</p>{body}</section>'
    )


def _sections(d: ReportData, figs: dict[str, str]) -> list[str]:
    sit = d.sit
    out = [
        _section(
            "Sit rate",
            "Meetings whose time has passed: held ÷ (held + no-show + canceled). A rescheduled"
            " meeting counts once, by its final outcome. Past meetings with no outcome logged"
            " are listed apart, not counted.",
            f'<div class="row">{figs["chart-sit-rep"]}{figs["chart-sit-month"]}</div>'
            + _table(
                ["rep", "held", "no-show", "canceled", "sit rate", "unlogged", "future"],
                [
                    [
                        rep,
                        c.held,
                        c.no_show,
                        c.canceled,
                        _pct(c.rate),
                        c.unlogged + c.reschedule_open,
                        c.future,
                    ]
                    for rep, c in [
                        *sit.by_rep.items(),
                        *(("team " + t, c) for t, c in sit.by_team.items()),
                    ]
                ],
            ),
        )
    ]
    if sit.not_counted:
        out.append(
            _section(
                f"Past meetings without an outcome ({len(sit.not_counted)})",
                "These hide the true sit rate: log whether they happened.",
                _table(
                    ["deal", "meetings", "when", "rep", "status"],
                    [
                        [
                            d.deal_names.get(c.deal_id, c.deal_id),
                            ", ".join(c.meeting_ids),
                            f"{c.at.astimezone(d.period.tz):%Y-%m-%d %H:%M}",
                            c.rep,
                            c.status.value,
                        ]
                        for c in sit.not_counted[:200]
                    ],
                    numeric_from=99,
                ),
                "warn",
            )
        )
    vel_rows = [
        [
            name,
            v.open_count,
            _pct(v.win_rate),
            _num(v.avg_won_amount),
            _num(v.avg_cycle_days, 1),
            _num(v.per_day),
        ]
        for group in (
            {"all": d.velocity},
            d.velocity_by_rep,
            {f"team {k}": v for k, v in d.velocity_by_team.items()},
            {f"pipeline {k}": v for k, v in d.velocity_by_pipeline.items()},
        )
        for name, v in group.items()
    ]
    out.append(
        _section(
            "Pipeline velocity",
            "Open opportunities × win rate × average won amount ÷ average cycle days, over"
            " won and lost deals closed in the period (cycle = created → closed).",
            f'<div class="row">{figs["chart-velocity-month"]}{figs["chart-velocity-rep"]}</div>'
            + _table(
                [
                    "group",
                    "open",
                    "win rate",
                    f"avg won{_cur(d)}",
                    "avg cycle days",
                    f"per day{_cur(d)}",
                ],
                vel_rows,
            ),
        )
    )
    out.append(
        _section(
            "Advance rate",
            "Completed calls and meetings that produced a client advance (commitment, new"
            " participant, stage change, new contact role) vs continuations.",
            figs["chart-advance"]
            + _table(
                ["rep", "advances", "conversations", "advance rate"],
                [[rep, r.numerator, r.denominator, _pct(r)] for rep, r in d.advance.by_rep.items()],
            ),
        )
    )
    cov_rows = [
        [
            stage,
            c.deals,
            _pct(c.coverage),
            _pct(c.readiness),
            _pct(c.stage_gap),
            ", ".join(f"{k} {_pct(v)}" for k, v in c.objectives.items()),
        ]
        for stage, c in d.coverage.items()
    ]
    out.append(
        _section(
            "Objective coverage and stage gap",
            "Open deals per stage: share whose essentials (this and earlier stages) are learned,"
            " share ready to advance, share ahead of their evidence (stage gap).",
            figs["chart-coverage"]
            + _table(
                ["stage", "deals", "essentials learned", "ready", "stage gap", "per objective"],
                cov_rows,
            ),
        )
    )
    prod = d.productivity
    out.append(
        _section(
            "Meetings and productivity",
            "Meetings booked per rep per ISO week (a reschedule chain once, in the week it is"
            " held) and calls made per meeting booked.",
            figs["chart-meetings"]
            + _table(
                ["rep", "meetings", "per week", "calls", "calls per meeting"],
                [
                    [
                        rep,
                        p.meetings,
                        _num(p.meetings_per_week, 1),
                        p.calls,
                        _num(p.calls_per_meeting.value, 1),
                    ]
                    for rep, p in [
                        *prod.by_rep.items(),
                        *(("team " + t, p) for t, p in prod.by_team.items()),
                    ]
                ],
            ),
        )
    )
    out.append(
        _section(
            "Drift",
            "Per rep: conversations whose notes show the stage's questions being asked. Per"
            " objective: learned in won vs lost deals closed in the period, with a suggestion"
            " once enough deals support it.",
            figs["chart-questions"]
            + figs["chart-drift"]
            + _table(
                ["objective", "stage", "essential", "won", "lost", "deals", "suggestion", "why"],
                [
                    [
                        o.objective_id,
                        o.stage,
                        "yes" if o.essential else "no",
                        _pct(o.won),
                        _pct(o.lost),
                        o.support,
                        _tag(o.suggestion.value),
                        o.reason,
                    ]
                    for o in d.drift
                ],
            ),
        )
    )
    if d.goals:
        rows = []
        for g in d.goals:
            p = g.plan
            blocks = _Raw(
                " ".join(
                    f"{_tag(b.state.value)} {escape(b.label(p.metric))} ({b.done} done)"
                    for b in p.blocks
                )
                or "no working blocks today"
            )
            rows.append(
                [
                    g.rep,
                    p.metric.value,
                    f"{p.done_in_period}/{p.period_target} ({p.period.label})",
                    p.day_target,
                    p.done_today,
                    p.missed,
                    blocks,
                ]
            )
        out.append(
            _section(
                "Prospecting in bite-sized goals",
                "Today's share of each weekly/monthly target split over the working day in the"
                " rep's timezone; what a past block missed is re-spread over the blocks left.",
                figs["chart-goals"]
                + _table(
                    ["rep", "metric", "period", "today", "done", "missed", "blocks"],
                    rows,
                    numeric_from=3,
                ),
            )
        )
    return out


def _suggestions(d: ReportData) -> str:
    s = d.suggestions
    if s is None:
        return ""

    def rows(by: dict[str, FeedbackCounts]) -> list[list[object]]:
        ordered = sorted(by.items(), key=lambda kv: (-kv[1].rejected, -kv[1].total, kv[0]))
        return [[k, c.accepted, c.rejected, c.done, c.total] for k, c in ordered]

    head = ["accepted", "rejected", "done", "answers"]
    body = (
        f"<p>{s.total.total} deals answered: {s.total.accepted} accepted, "
        f"{s.total.rejected} rejected, {s.total.done} done.</p>"
        + (
            "<h3>By advance</h3>"
            + _table(["advance suggested", *head], rows(s.by_advance))
            + "<h3>By rep</h3>"
            + _table(["rep", *head], rows(s.by_rep))
            if s.total.total
            else ""
        )
    )
    return _section(
        "Suggestions: accepted / rejected / done, by advance and by rep",
        "Reps' answers to 'Was this useful?' on the coach card (yes = accepted, no = "
        "rejected, done = the rep did it), as of the last sync. Advances reps reject most "
        "come first: candidates to rewrite or retire in the playbook.",
        body,
    )


def render_html(data: ReportData) -> str:
    """The complete HTML document (plotly.js inlined)."""
    d = for_people(data)
    figs = charts(d)
    kpis = "".join(
        [
            _kpi(
                "sit rate",
                _pct(d.sit.total.rate),
                f"{d.sit.total.held} held of {d.sit.total.rate.denominator}",
            ),
            _kpi(
                f"pipeline velocity / day{_cur(d)}",
                _num(d.velocity.per_day),
                f"{d.velocity.open_count} open, win rate {_pct(d.velocity.win_rate)}",
            ),
            _kpi(
                "advance rate",
                _pct(d.advance.total),
                f"{d.advance.total.numerator} of {d.advance.total.denominator} conversations",
            ),
            _kpi(
                "meetings booked / week",
                _num(d.productivity.total.meetings_per_week, 1),
                f"{d.productivity.total.meetings} in the period",
            ),
            _kpi(
                "calls per meeting",
                _num(d.productivity.total.calls_per_meeting.value, 1),
                f"{d.productivity.total.calls} calls",
            ),
            _kpi(
                "stage questions in notes",
                _pct(d.questions.rate),
                f"{d.questions.without_notes} conversations without notes",
            ),
        ]
    )
    skipped = ""
    if d.skipped:
        skipped = _section(
            f"Skipped input ({len(d.skipped)})",
            "These lines or deals could not be read and are not in any number below.",
            _table(
                ["line", "reason"],
                [[b.line or "", b.reason] for b in d.skipped[:200]],
                numeric_from=99,
            ),
            "warn",
        )
    title = f"nextadvance report · {d.period.label}"
    return "".join(
        [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{escape(title)}</title><style>{_CSS}</style>",
            f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>',
            f"<header><h1>{escape(title)}</h1><p>{d.period.first:%d %b %Y} to "
            f"{d.period.last:%d %b %Y} (timezone {escape(d.tz_name)}) · as of "
            f"{d.now.astimezone(d.period.tz):%Y-%m-%d %H:%M} · {d.deals} deals, {d.open_deals} open</p></header>",
            f'<main><div class="kpis">{kpis}</div>{skipped}',
            *with_advice(_sections(d, figs), advice(d)),
            _suggestions(d),
            "</main></body></html>",
        ]
    )
