"""The verdict's rewrite: the rep's own next step repaired, else one advance of ours. Pure.

A rep who wrote "review the proposal" learns more from "Lucia: review the proposal by Mon
14 Dec" (their words, with the client person and the date the step lacked) than from a
different step of ours; and the smallest advance worth closing for is already in the task's
``At least:`` line.  Only a step the classifier marked ``repairable`` (a client action that
fits the stage, without who and when) is repaired: a seller action, a step too big for the
stage, a hedged or finished one cannot become an advance by adding a name and a date.
"""

from __future__ import annotations

from nextadvance.core._decision import AdvanceChoice, NextStepCheck
from nextadvance.core._wording_model import Wording

__all__ = ["rewrite_for"]

#: a longer next step is a note, not a step: repairing it would quote a paragraph
_MAX_STEP = 70
_TRAILING = " .;,:!-–—"


def _step(check: NextStepCheck) -> str | None:
    """The rep's step as it can be quoted, or None when it should not be repaired."""
    if not check.repairable or check.text is None:
        return None
    step = " ".join(check.text.split()).rstrip(_TRAILING)
    if not step or len(step) > _MAX_STEP or "{" in step or "}" in step:
        return None
    return step


def rewrite_for(
    w: Wording,
    check: NextStepCheck,
    suggested: AdvanceChoice | None,
    fill: dict[str, str],
    say: str,
) -> str:
    """The ``{rewrite}`` of the verdict sentence.

    ``suggested`` is the advance to fall back on (the conservative, else the stretch);
    ``fill`` the deal's template values (``who``: the person the rep talks to); ``say`` the
    date to add, as the task says dates.
    """
    step = _step(check)
    if step is not None and say and fill.get("who"):
        return w.repair.format_map({**fill, "step": step, "by": say})
    return suggested.text if suggested is not None else ""
