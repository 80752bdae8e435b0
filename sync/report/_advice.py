"""What a person should make of a figure: "not enough data" on tiny samples, and what to do.

Why: a report that shows 0 % or 100 % from two meetings, or a red stage gap with no word on
what to change, invites the wrong decision. Figures resting on fewer than :data:`MIN_SAMPLE`
cases say so instead of a percentage; each figure past its warning threshold gets one
"what to do" line under its section. Thresholds are deliberately simple and stated here.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import TypeVar

from nextadvance.core.measures import Ratio

from ._build import ReportData

__all__ = ["MIN_SAMPLE", "advice", "for_people", "pct", "with_advice"]

_V = TypeVar("_V")

#: fewer cases than this behind a ratio: "not enough data" instead of a percentage
MIN_SAMPLE = 5
_SIT_LOW = 0.7
_ADVANCE_LOW = 0.3
_GAP_HIGH = 0.5


def pct(r: Ratio) -> str:
    """``62%``, or ``not enough data (2/3)`` below :data:`MIN_SAMPLE`, or ``n/a``."""
    if r.value is None:
        return "n/a"
    if r.denominator < MIN_SAMPLE:
        return f"not enough data ({r.numerator}/{r.denominator})"
    return f"{100 * r.value:.0f}%"


def _enough(r: Ratio) -> bool:
    return r.value is not None and r.denominator >= MIN_SAMPLE


def advice(d: ReportData) -> dict[str, list[str]]:
    """Section title -> one-line "what to do" per figure past its threshold."""
    out: dict[str, list[str]] = {}
    sit = d.sit.total
    if _enough(sit.rate) and (sit.rate.value or 0) < _SIT_LOW:
        out.setdefault("Sit rate", []).append(
            f"sit rate {pct(sit.rate)} is below {_SIT_LOW:.0%}: confirm each meeting the day "
            "before with its agenda, and book the next one before ending the call."
        )
    unlogged = sit.unlogged + sit.reschedule_open
    if unlogged:
        out.setdefault("Sit rate", []).append(
            f"{unlogged} past meeting(s) have no outcome: log held / no-show / canceled on each "
            "(listed below); until then the sit rate is a guess."
        )
    adv = d.advance.total
    if _enough(adv) and (adv.value or 0) < _ADVANCE_LOW:
        out.setdefault("Advance rate", []).append(
            f"advance rate {pct(adv)}: most conversations end without a client commitment; end "
            "each call by asking for the dated next step the suggested task names."
        )
    for stage, c in d.coverage.items():
        gap = c.stage_gap
        if _enough(gap) and (gap.value or 0) >= _GAP_HIGH:
            out.setdefault("Objective coverage and stage gap", []).append(
                f"{stage}: {pct(gap)} of {c.deals} deals are ahead of their evidence; ask the "
                "earlier-stage questions they skipped (nextadvance explain --deal ID lists "
                "them) or move them back a stage."
            )
    return out


def with_advice(sections: list[str], todo: dict[str, list[str]]) -> list[str]:
    """Each section's "what to do" lines, right under its title."""
    out = []
    for html in sections:
        for title, lines in todo.items():
            head = f"<h2>{escape(title)}</h2>"
            if head in html:
                items = "".join(f'<p class="todo">What to do: {escape(t)}</p>' for t in lines)
                html = html.replace(head, head + items, 1)
        out.append(html)
    return out


def for_people(d: ReportData) -> ReportData:
    """The same data with owner ids replaced by names (what the HTML and its charts show).

    JSON and CSV keep the CRM ids (stable keys for scripts); a person reads names.
    """
    names = d.rep_names
    if not names:
        return d

    def n(rep: str) -> str:
        return names.get(rep, rep)

    def keys(by: dict[str, _V]) -> dict[str, _V]:
        return {n(k): v for k, v in by.items()}

    sit = replace(
        d.sit,
        by_rep=keys(d.sit.by_rep),
        not_counted=tuple(replace(c, rep=n(c.rep)) for c in d.sit.not_counted),
    )
    return replace(
        d,
        sit=sit,
        velocity_by_rep=keys(d.velocity_by_rep),
        advance=replace(d.advance, by_rep=keys(d.advance.by_rep)),
        productivity=replace(d.productivity, by_rep=keys(d.productivity.by_rep)),
        questions_by_rep=keys(d.questions_by_rep),
        goals=[replace(g, rep=n(g.rep)) for g in d.goals],
    )
