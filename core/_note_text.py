"""The pieces of a call-note sentence the note reader looks at, and the cue test.

A sentence is cut into finer clauses (``sub_parts``; ``SUB_STEP`` also at "and" before a
new subject or verb, for commitments), a short "label: value" kept whole; ``cue_hit``
tests a cue pattern on a clause's base forms and on its words as written.  Split from
:mod:`nextadvance.core._notes` so that module holds only the reading itself.
"""

from __future__ import annotations

import re

from nextadvance.core._memo import LONG_TEXT, remember
from nextadvance.core._prefilter import cannot_match, initials
from nextadvance.core._regex import Regex, regex

__all__ = ["SUB_STEP", "alt", "cue_hit", "labelled", "step_parts", "sub_parts"]

_FLAGS = re.IGNORECASE
#: finer clause boundaries inside one note sentence
_SUB = re.compile(r",\s+|\s+but\s+|\s+-\s+|:\s+|\s+so\s+|\s+because\s+|\s+while\s+", _FLAGS)
#: ... and for commitments also "... and she'll release it Monday", "... and gave us the
#: verbal yes": a new subject or verb after "and" is a new step ("wants X and gave Y")
SUB_STEP = re.compile(
    _SUB.pattern
    + r"|\s+and\s+(?=(?:she|he|they|has|have|gave|agreed|booked|said|told|asked|signed|sent)\b)",
    _FLAGS,
)

#: a short raw clause -> its non-blank ``SUB_STEP`` parts (bounded, cleared when full)
_STEP_PARTS: dict[str, tuple[str, ...]] = {}
_STEP_PARTS_LIMIT = 4_096


def step_parts(raw: str) -> tuple[str, ...]:
    """The non-blank finer clauses of one raw clause that the commitment test parses,
    memoised for a short clause: note clauses recur across notes though notes do not."""
    hit = _STEP_PARTS.get(raw)
    if hit is None:
        hit = tuple([p for p in SUB_STEP.split(raw) if p.strip()])
        if len(raw) <= LONG_TEXT:
            remember(_STEP_PARTS, raw, hit, _STEP_PARTS_LIMIT)
    return hit


#: "Budget: none yet", "Timeline: TBD": a short label and its short value
_LABEL_VALUE = re.compile(r"^\s*([^\s:,]+(?:\s+[^\s:,]+){0,2}):\s+(\S+(?:\s+\S+){0,2})\s*$")


def sub_parts(raw: str) -> list[str]:
    """The finer clauses of one raw clause, a field-style "label: value" kept as one: the
    value is what the note says of the label's topic, so "Budget: none yet" is bad news
    about budget, not a budget cue beside an unrelated "none yet"."""
    return labelled(_SUB.split(raw), raw)


def labelled(parts: list[str], raw: str) -> list[str]:
    """``parts`` (pieces of ``raw``) with each short "label: value" pair joined again."""
    if len(parts) < 2 or ":" not in raw:
        return parts
    out: list[str] = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts):
            joined = f"{parts[i]}: {parts[i + 1]}"
            if joined in raw and _LABEL_VALUE.match(joined):
                out.append(joined)
                i += 2
                continue
        out.append(parts[i])
        i += 1
    return out


#: the word initials of the last clause tested: a clause is tested against many patterns
_last: list[tuple[str, str, frozenset[str] | None]] = [("", "", frozenset())]


def alt(patterns: tuple[str, ...]) -> Regex | None:
    """One pattern matching any of ``patterns`` at a word start (None for none)."""
    if not patterns:
        return None
    # (?<!\w), not \b: a cue may start with a symbol ("\$")
    return regex(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + ")", _FLAGS)


def cue_hit(pat: Regex | None, s: str, words: str) -> bool:
    """``pat`` matches the clause in base forms or as written (rejected without running
    it when no word of either starts with a letter a match can start with)."""
    if pat is None:
        return False
    last = _last[0]
    if last[0] is s and last[1] is words:
        starts = last[2]
    else:
        starts = initials(f"{s} {words}")
        _last[0] = (s, words, starts)
    if cannot_match(pat, starts):
        return False
    return pat.search(s) is not None or (words != s and pat.search(words) is not None)
