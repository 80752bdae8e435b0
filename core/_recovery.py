"""Which advance to close for when bad news or a stage gap blocks the stage's usual stretch.

A task that opens with "no budget yet: deal with that first" must not close for a
signature, and a negotiation deal that never learned who owns the money must not close for
a final-terms call.  So a learned "no" takes its objective's ``recovery`` advance (else the
conservative), and a deal ahead of its evidence takes the recovery of its first missing
earlier-stage essential in stage order (when it has none, at least no evidence-gated
step: the stage's first stretch without ``requires``).  Every switch comes with the explanation ``explain`` shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nextadvance.core._compiled import CompiledPlaybook
from nextadvance.core._decision import Explanation, trusted
from nextadvance.core._playbook_model import Advance, Stage

__all__ = ["Blocker", "Switch", "blocker", "switch"]

#: "negative": a "no" whose objective has a recovery; "downgrade": a "no" without one;
#: "gap": the first missing earlier-stage essential, which has a recovery; "ahead": that
#: first one has none
Kind = Literal["negative", "downgrade", "gap", "ahead"]
#: (kind, objective id): the memo key of a switch, with the deal's other keys
Blocker = tuple[Kind, str]


@dataclass(frozen=True, slots=True)
class Switch:
    """The stretch to close for instead (None: the conservative moves up, no fallback)."""

    stretch: Advance | None
    #: the role the new stretch needs and the deal lacks (find that person first)
    finds_role: str | None
    #: whether the conservative stays the fallback (not when it became the stretch)
    keep_conservative: bool
    why: Explanation


def blocker(
    cp: CompiledPlaybook, negative_ids: tuple[str, ...], gap_ids: tuple[str, ...]
) -> Blocker | None:
    """What keeps the deal from the usual stretch: bad news first, then a stage gap."""
    meta = cp.objective_meta
    for oid in negative_ids:
        m = meta.get(oid)
        if m is not None and m.recovery is not None:
            return ("negative", oid)
    if negative_ids:
        return ("downgrade", negative_ids[0])
    if not gap_ids:
        return None
    # the first gap in stage order: no budget hunt while the pain is still unknown
    first = meta.get(gap_ids[0])
    return ("gap" if first is not None and first.recovery is not None else "ahead", gap_ids[0])


def _explain(rule: str, inputs: dict[str, object], text: str) -> Explanation:
    return trusted(Explanation, rule_id=rule, inputs=inputs, text=text)


def switch(
    cp: CompiledPlaybook,
    stage: Stage,
    why: Blocker,
    stretch: Advance | None,
    conservative: Advance | None,
    roles: frozenset[str],
) -> Switch | None:
    """The advance that deals with ``why`` first, or None to keep the usual stretch."""
    kind, oid = why
    usual = f"'{stretch.id}'" if stretch is not None else "the stage's stretch"
    inputs: dict[str, object] = {
        "objective": oid,
        "instead_of": stretch.id if stretch is not None else None,
    }
    rec = cp.objective_meta[oid].recovery
    if kind in ("negative", "gap") and rec is not None:
        absent = next((r for r in rec.requires_roles if r not in roles), None)
        reason = (
            f"the answer on '{oid}' was no, so the call works on that first"
            if kind == "negative"
            else f"'{oid}' of an earlier stage is still missing, so the call closes that"
            " gap before a bigger step"
        )
        find = f" (needs a {absent} the deal does not have: find them first)" if absent else ""
        return Switch(
            rec,
            absent,
            True,
            _explain(
                "advance.recovery" if kind == "negative" else "advance.gap",
                {**inputs, "advance": rec.id, "find_role": absent},
                f"'{rec.id}' chosen instead of {usual}: {reason}{find}",
            ),
        )
    if kind == "downgrade":
        chosen = f"'{conservative.id}'" if conservative is not None else "nothing"
        return Switch(
            conservative,
            None,
            False,
            _explain(
                "advance.downgrade",
                {**inputs, "advance": conservative.id if conservative else None},
                f"closing for the conservative {chosen} instead of {usual}: the answer on"
                f" '{oid}' was no and the playbook has no recovery advance for it",
            ),
        )
    # ahead of its evidence, nothing to recover with: no evidence-gated step
    if stretch is None or not stretch.requires:
        return None
    basic = next((a for a in stage.advances if a.level == "stretch" and not a.requires), None)
    if basic is None:
        return None
    absent = next((r for r in basic.requires_roles if r not in roles), None)
    return Switch(
        basic,
        absent,
        True,
        _explain(
            "advance.gap",
            {**inputs, "advance": basic.id, "find_role": absent},
            f"'{basic.id}' chosen instead of {usual}: '{oid}' of an earlier stage is still"
            f" missing, so no step that needs more evidence ({', '.join(stretch.requires)})",
        ),
    )
