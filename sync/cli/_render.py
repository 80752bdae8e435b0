"""How one decision is printed for a person, and how ``--now`` is read.

Shared by ``explain`` (from a file or a connection's mirror) and ``mappings preview``; kept
in its own module so those command modules depend on it rather than on each other.
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nextadvance.core import Decision
from nextadvance.core.models import Deal

__all__ = ["VERDICT_STYLE", "parse_now", "render_explanation"]

VERDICT_STYLE = {
    "advance": "green",
    "vague": "yellow",
    "seller_action": "magenta",
    "unrealistic_for_stage": "red",
    "empty": "dim",
}


def parse_now(value: str | None) -> datetime:
    """``--now`` as an aware datetime (default: the current time in UTC)."""
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an ISO timestamp (e.g. 2026-11-23T09:00:00Z)", param_hint="--now"
        ) from None
    if parsed.tzinfo is None:
        raise typer.BadParameter(
            "must include a timezone, e.g. 2026-11-23T09:00:00Z or +01:00", param_hint="--now"
        )
    return parsed


def render_explanation(deal: Deal, decision: Decision, console: Console) -> None:
    """Print one decision for a person: objectives, next step, call plan, momentum, why."""
    head = f"[bold]{deal.name or deal.id}[/] ({deal.id}) - stage [cyan]{decision.stage}[/]"
    if deal.amount is not None:
        head += f", {deal.amount:,.0f} {deal.currency or ''}".rstrip()
    console.print(head)
    if not decision.open:
        console.print("Closed deal: nothing to advance.")
        return
    if decision.segments:
        console.print(f"Segments: {', '.join(decision.segments)}")
    table = Table(show_header=True, header_style="bold")
    for col in ("", "Objective", "Stage", "Kind", "Evidence / question"):
        table.add_column(col, overflow="fold")
    for o in decision.objectives:
        mark = {
            "learned": "[green]learned[/]",
            "learned_negative": "[yellow]learned: negative[/]",
        }.get(o.status, "[red]missing[/]")
        detail = (
            "; ".join(e.detail for e in o.evidence)
            if o.evidence
            else (o.questions[0] if o.questions else "")
        )
        table.add_row(mark, o.title, o.stage, "essential" if o.essential else "nice", detail)
    console.print(table)
    state = "[green]ready to advance[/]" if decision.ready_to_advance else "not ready to advance"
    if decision.stage_gap:
        state += f"; [red]stage gap[/]: {', '.join(decision.stage_gap_objectives)}"
    console.print(state)
    check = decision.next_step_check
    style = VERDICT_STYLE[check.verdict.value]
    marks = [
        f"overdue={check.overdue}" if check.overdue is not None else "",
        f"unknown_person={check.unknown_person}" if check.unknown_person else "",
        f"behind_stage={check.behind_stage}" if check.behind_stage else "",
    ]
    qualifiers = ", ".join(m for m in marks if m)
    console.print(
        f"Next step: [{style}]{check.verdict.value}[/]"
        + (f" ({escape(qualifiers)})" if qualifiers else "")
        + f" - {check.reason}"
        + (f' ("{check.text}")' if check.text else ""),
        markup=True,
    )
    call = decision.call_objective
    console.print("[bold]Next call[/]")
    for line in call.plan or ("No advance eligible yet: learn the missing essentials.",):
        console.print(f"  - {line}", markup=False)
    if call.stretch is not None:
        console.print(f"  stretch: {call.stretch.text}", markup=False)
    if call.conservative is not None:
        console.print(f"  conservative: {call.conservative.text}", markup=False)
    if call.close_date_note:
        console.print(f"  watch: {call.close_date_note}", markup=False)
    c = decision.coaching
    if c.subject:
        console.print(f"Task: {c.subject} (due {c.due}, {c.urgency})", markup=False)
        console.print(f"Verdict: {c.verdict}", markup=False)
    m = decision.momentum
    mom = (
        f"Momentum: {m.days_in_stage} days in stage (norm {m.stage_norm_days}),"
        f" last advance {m.last_advance_at.date() if m.last_advance_at else '-'}"
        f" ({m.last_advance}), {m.continuations_since} continuations since"
    )
    if m.stalled:
        mom += ", [red]stalled[/]"
    if m.note:
        mom += f". {escape(m.note)}"
    if m.parked:
        mom += f", parked until {m.parked_until} ({m.parked_reason or 'no reason'})"
    console.print(mom)
    console.print(f"Priority: {decision.priority}")
    console.print("[bold]Why[/]")
    for e in decision.explanations:
        console.print(f"  [dim]{e.rule_id}[/] {e.text}")
