"""The explanations of a call plan: readiness, stage gap, what the call learns, what it skips.

Split from :mod:`nextadvance.core._callplan` so the plan's logic reads in one file; each
is built once per distinct input and memoised there, so none of this is per deal.
"""

from __future__ import annotations

from nextadvance.core._agenda import Agenda
from nextadvance.core._decision import Explanation, trusted

__all__ = ["gap_why", "implied_why", "learn_why", "readiness_why"]


def readiness_why(stage: str, missing_now: tuple[str, ...], essentials_now: int) -> Explanation:
    """Whether the stage's essentials are all learned, or how many are still missing."""
    return trusted(
        Explanation,
        rule_id="readiness",
        inputs={"stage": stage, "missing_essentials": list(missing_now)},
        text=(
            f"all {essentials_now} essentials of '{stage}' learned: ready to advance"
            if not missing_now
            else f"{len(missing_now)} of {essentials_now} essentials of '{stage}' still missing"
        ),
    )


def gap_why(missing_earlier: tuple[str, ...]) -> Explanation:
    """The earlier-stage essentials a deal ahead of its evidence still misses."""
    return trusted(
        Explanation,
        rule_id="stage_gap",
        inputs={"missing": list(missing_earlier)},
        text="deal is ahead of its evidence: earlier-stage essentials missing: "
        + ", ".join(missing_earlier),
    )


def learn_why(agenda: Agenda, essentials_missing: bool) -> Explanation:
    """What the call works on first, and why in that order."""
    return trusted(
        Explanation,
        rule_id="call_objective.learn",
        inputs={"learn": [o.id for o in agenda.items], "negatives": list(agenda.negatives)},
        text=(
            "deal with the bad news first, then the missing essentials"
            if agenda.negatives
            else "learn the missing essentials first, most needed first"
            if essentials_missing
            else "essentials done: look ahead to the next stage"
            if agenda.look_ahead
            else "essentials done: use the call for nice-to-haves and the advance"
        ),
    )


def implied_why(skipped: list[str]) -> Explanation:
    """The objectives the call does not ask about: later evidence or the stage implies them."""
    return trusted(
        Explanation,
        rule_id="agenda.implied",
        inputs={"implied": skipped},
        text="not asked, implied by later evidence or the stage: " + ", ".join(skipped),
    )
