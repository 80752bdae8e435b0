"""The objectives checklist a rep reads in the deal field (``NA_Objectives__c``). Pure.

A rep works the current stage: the field lists its objectives, then only what is still open
from earlier stages (an essential nobody learned, or an answer that came back "no"), and
one line counting what earlier stages already learned, so a Negotiation deal reads in a
dozen lines, not 23.  A learned-negative objective is marked ``[!]`` ("answer was no"): it
is not met, and it is not an open question either.  The field keeps whole lines within its
length limit and says how many it left out.
"""

from __future__ import annotations

from nextadvance.core import Decision
from nextadvance.core._decision import ObjectiveResult

__all__ = ["checklist_lines", "fit_lines"]

#: the marks and notes of the checklist (the field's own format, like "[x]" has always been)
_LEARNED = "[x] {title}"
_OPEN = "[ ] {title}"
_ESSENTIAL = " (essential)"
_NEGATIVE = "[!] {title} — answer was no"
_EARLIER = "[x] {count} objective{s} of earlier stages learned"
_MORE = "… {count} more"


def _line(o: ObjectiveResult) -> str:
    title = o.title or o.id
    if o.status == "learned_negative":
        return _NEGATIVE.format(title=title)
    if o.status == "learned":
        return _LEARNED.format(title=title)
    return _OPEN.format(title=title) + (_ESSENTIAL if o.essential else "")


def checklist_lines(d: Decision) -> list[str]:
    """The checklist: learned earlier ones counted, open earlier essentials and negatives,
    then every objective of the deal's current stage (in the playbook's order)."""
    here = d.stage
    earlier = [o for o in d.objectives if o.stage != here]
    learned = sum(1 for o in earlier if o.status == "learned")
    lines = [_EARLIER.format(count=learned, s="" if learned == 1 else "s")] if learned else []
    lines += [
        _line(o)
        for o in earlier
        if o.status == "learned_negative" or (o.status == "missing" and o.essential)
    ]
    lines += [_line(o) for o in d.objectives if o.stage == here]
    return lines


def fit_lines(lines: list[str], limit: int) -> str:
    """``lines`` joined, as many whole lines as fit in ``limit`` characters, then '… N more'."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    size = 0
    for i, line in enumerate(lines):
        more = "\n" + _MORE.format(count=len(lines) - i - 1)
        if size + len(line) + (1 if kept else 0) + len(more) > limit:
            break
        size += len(line) + (1 if kept else 0)
        kept.append(line)
    tail = _MORE.format(count=len(lines) - len(kept))
    return "\n".join([*kept, tail])[:limit]
