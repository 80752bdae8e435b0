"""Evidence: does a deal's data prove a micro-objective, and what exactly proved it?

A :class:`DealContext` indexes one deal once (roles, activities in time order, normalised
activity text) so each objective's rules are cheap set and substring tests.
"""

from __future__ import annotations

from typing import Any

from nextadvance.core._compiled import CompiledObjective, CompiledRule, normalise
from nextadvance.core._decision import Evidence
from nextadvance.core.models import Activity, Deal, Outcome

__all__ = ["DealContext", "evaluate", "is_non_empty", "is_truthy"]

_TRUE = frozenset({"true", "yes", "y", "1", "confirmed", "approved", "x", "done", "ok"})
_SILENT = frozenset({Outcome.no_show, Outcome.canceled, Outcome.scheduled, Outcome.rescheduled})


def is_non_empty(value: Any) -> bool:
    """A field has a value: not None, not blank text, not an empty collection."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict | set):
        return bool(value)
    return True


def is_truthy(value: Any) -> bool:
    """A field says yes: True, a non-zero number, or text like 'yes'/'confirmed'."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return False


class DealContext:
    """One deal indexed for evidence tests; built once per ``decide`` call."""

    __slots__ = ("_texts", "activities", "deal", "role_of", "roles")

    def __init__(self, deal: Deal) -> None:
        self.deal = deal
        self.activities: list[Activity] = sorted(deal.activities, key=lambda a: a.at)
        self.roles: dict[str, str] = {}
        self.role_of: dict[str, str] = {}
        for c in deal.contacts:
            if c.role:
                self.roles.setdefault(c.role, c.id)
                self.role_of[c.id] = c.role
        self._texts: list[tuple[Activity, str, frozenset[str]]] | None = None

    def texts(self) -> list[tuple[Activity, str, frozenset[str]]]:
        """Activities that carry spoken/written content, with normalised text and word set."""
        if self._texts is None:
            out = []
            for a in self.activities:
                if a.outcome in _SILENT:
                    continue
                norm = normalise(f"{a.subject} {a.body}")
                out.append((a, norm, frozenset(norm.split())))
            self._texts = out
        return self._texts


def _field(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    r = rule.rule
    assert r.field is not None
    value = ctx.deal.fields.get(r.field)
    if r.op == "non_empty":
        ok = is_non_empty(value)
    elif r.op == "truthy":
        ok = is_truthy(value)
    elif r.op == "equals":
        ok = value is not None and str(value).strip().lower() == str(r.value).strip().lower()
    else:
        ok = value is not None and str(value).strip().lower() in rule.values
    if not ok:
        return None
    shown = str(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return Evidence(source="field", detail=f"field {r.field} = {shown!r} ({r.op})")


def _role(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    role = rule.rule.role
    assert role is not None
    cid = ctx.roles.get(role)
    if cid is None:
        return None
    return Evidence(source="role", detail=f"contact with role {role}", contact_id=cid)


def _activity(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    for a in reversed(ctx.activities):
        if a.kind not in rule.kinds or a.outcome not in rule.outcomes:
            continue
        if rule.roles:
            who = next((c for c in a.contact_ids if ctx.role_of.get(c) in rule.roles), None)
            if who is None:
                continue
            detail = f"{a.outcome.value} {a.kind.value} on {a.at.date()} with {ctx.role_of[who]}"
            return Evidence(source="activity", detail=detail, activity_id=a.id, contact_id=who)
        detail = f"{a.outcome.value} {a.kind.value} on {a.at.date()}"
        return Evidence(source="activity", detail=detail, activity_id=a.id)
    return None


def _keywords(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    kws = rule.keywords
    assert kws is not None
    for a, norm, words in reversed(ctx.texts()):
        if a.kind not in rule.kinds:
            continue
        hit = kws.find(norm, words)
        if hit is not None:
            return Evidence(
                source="keywords",
                detail=f"'{hit}' in {a.kind.value} of {a.at.date()}",
                activity_id=a.id,
            )
    return None


_TESTS = {"field": _field, "role": _role, "activity": _activity, "keywords": _keywords}


def evaluate(obj: CompiledObjective, ctx: DealContext) -> tuple[Evidence, ...]:
    """The evidence that proves ``obj`` (first matching rule), or () when it is missing."""
    for rule in obj.rules:
        ev = _TESTS[rule.kind](rule, ctx)
        if ev is not None:
            return (ev,)
    return ()
