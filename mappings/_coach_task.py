"""The rep-facing text of the write-back, from the Decision's coaching fields. Pure.

Kept apart from :mod:`nextadvance.mappings._writeback` (which types and encodes values for
each CRM) so the words a rep reads change in one place: the task subject (client action
and person), the short body, the plain-language verdict on the rep's own next step, the
deal's next-advance line, the due date and the CRM priority.  The wording itself is
playbook data (``wording:`` in the playbook YAML); this module only lays it out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nextadvance.core import Decision

__all__ = ["COACH_PLACEHOLDERS", "advance_line", "coach_context", "coach_due", "crm_priority"]

#: task-template placeholders this module provides (docs/mappings.md)
COACH_PLACEHOLDERS = ("task_subject", "task_body", "verdict_sentence", "next_advance")

#: CRM priority values by urgency, per vocabulary (Salesforce and HubSpot defaults)
_FAMILIES = (
    {"high": "High", "normal": "Normal", "low": "Low"},
    {"high": "HIGH", "normal": "MEDIUM", "low": "LOW"},
)


def _text(choice: Any) -> str:
    return "" if choice is None else str(choice.text or "")


def _unique_lines(lines: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for line in lines:
        key = " ".join(line.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(line)
    return out


def advance_line(stretch: str, conservative: str, fallback_in_task: bool) -> str:
    """The deal's next-advance line: the Aim, and the At-least unless the task says it.

    Each surface has one job: the suggested task carries the fallback (its ``At least:``
    line), so the deal field names only what to aim for.  Without such a task (none is
    written, or the mapping's body leaves the line out) the field is the only place a rep
    finds the fallback, and keeps it.
    """
    advance = f"Aim: {stretch}" if stretch else ""
    if conservative and conservative != stretch and not (fallback_in_task and stretch):
        advance += f". At least: {conservative}" if advance else f"At least: {conservative}"
    return advance


def coach_context(d: Decision) -> dict[str, str]:
    """Template values from a decision's coaching and its call objective.

    ``next_advance`` names both advances here (a task template may place it); the deal
    field drops the At-least when the task carries it (:func:`advance_line`).
    """
    coaching = d.coaching
    co = d.call_objective
    stretch, conservative = _text(co.stretch), _text(co.conservative)
    advance = advance_line(stretch, conservative, fallback_in_task=False)
    return {
        "task_subject": coaching.subject or stretch,
        "task_body": "\n".join(_unique_lines(list(coaching.body))),
        "verdict_sentence": coaching.verdict,
        "next_advance": advance,
    }


def coach_due(d: Decision) -> date | None:
    """The due date the engine chose (next client meeting, else by urgency), if any."""
    return d.coaching.due


def crm_priority(d: Decision, configured: str | None) -> str | None:
    """The CRM priority for the deal's urgency, in the vocabulary of ``configured``.

    A mapping that sets a priority outside the known vocabularies keeps it as it is.
    """
    urgency = d.coaching.urgency
    if configured is None or urgency not in ("high", "normal", "low"):
        return configured
    for family in _FAMILIES:
        if configured in family.values():
            return family[urgency]
    return configured
