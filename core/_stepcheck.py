"""The next-step check of one deal (verdict and explanation), memoised by text and people.

The verdict depends on the text, where it came from, the stage and the deal's contacts
the text can refer to; next steps recur across an org ("send proposal to Jane"), so the
check and its explanation are built once per such key and shared.
"""

from __future__ import annotations

import re

from nextadvance.core._compiled import CompiledPlaybook
from nextadvance.core._decision import Explanation, NextStepCheck, Verdict, trusted
from nextadvance.core._memo import remember
from nextadvance.core._nextstep import StepResult
from nextadvance.core.models import Deal

__all__ = ["check_next_step_cached"]

#: memo bound (cleared when full): 1,024 thrashed, ~2.5k distinct checks in a pooled run
_CHECK_LIMIT = 4_096


def _mentioned(text: str, deal: Deal) -> tuple[tuple[str, str, str], ...]:
    """The deal's contacts the text can refer to, as the parser reads them: a name part or
    its first three letters ("Ricky" for Ricardo), the title or role, or a word the parser
    derives from them (initials "NL", a channel partner's firm in its title "Partner
    Manager, Corvane").  When the deal names contacts but the text none of them,
    :data:`_SOMEONE` stands for them: a capitalised name that is no contact then reads as
    the seller's ("MK to write the pilot plan"), on a deal without contacts as anyone's.

    Only these change how the text is read, so they - not every contact - key the memo:
    the same next step on deals with different contact lists is parsed once.  A contact
    left out that the parser would have used changes the verdict, so the test errs on
    the side of including one (:meth:`nextadvance.core._clause.People.of` is the reader).
    """
    if not deal.contacts:
        return ()
    low = text.lower()
    words: frozenset[str] | None = None
    starts: frozenset[str] = frozenset()
    out = []
    named = found = False
    for c in deal.contacts:
        title, role = c.title or "", c.role or ""
        parts, marks, title_low, role_words = _name_parts(c.name, title, role)
        hit = False
        for part in parts:
            if part in low:
                hit = True
                break
        if not hit and ((title_low and title_low in low) or (role_words and role_words in low)):
            hit = True
        if not hit:
            if words is None:
                words = frozenset(_WORD.findall(low))
                starts = frozenset([w[:3] for w in words if len(w) > 2])
            hit = not words.isdisjoint(marks) or any(p[:3] in starts for p in parts if len(p) > 2)
        if parts:
            named = True
            if hit:
                found = True
        if hit:
            out.append((c.name, title, role))
    if named and not found:
        out.append(_SOMEONE)
    return tuple(out)


#: a contact whose name the parser knows but no text contains (two characters: a name
#: part, too short for the three-letter short-form test): "the deal names contacts"
_SOMEONE = ("\x00\x00", "", "")
_WORD = re.compile(r"\w+")
#: where a contact name splits into parts (as ``People.of`` splits it), compiled once
_NAME_SPLIT = re.compile(r"[\s.]+")
_PARTS: dict[tuple[str, str, str], tuple[tuple[str, ...], frozenset[str], str, str]] = {}


def _name_parts(
    name: str, title: str, role: str
) -> tuple[tuple[str, ...], frozenset[str], str, str]:
    """The lower-case parts of a contact name longer than one letter (split as
    ``People.of`` splits them: "A.J. Smith" is "smith"), the whole words that also
    point at the contact (its initials and its title's words), and its title and role as
    a text would name them (memoised: names recur in an org, and every deal's next step is
    checked against its contacts)."""
    key = (name, title, role)
    hit = _PARTS.get(key)
    if hit is None:
        parts = tuple([p for p in _NAME_SPLIT.split(name.lower()) if len(p) > 1])
        marks = {w for w in _WORD.findall(title.lower()) if len(w) > 1}
        if len(parts) > 1:
            marks.add("".join(p[0] for p in parts))
        if len(parts) > 2:
            marks.add(parts[0][0] + parts[1][0])
        hit = remember(
            _PARTS,
            key,
            (parts, frozenset(marks), title.lower(), role.replace("_", " ")),
            _CHECK_LIMIT,
        )
    return hit


def check_next_step_cached(
    cp: CompiledPlaybook, deal: Deal, stage_key: str
) -> tuple[NextStepCheck, Explanation, StepResult]:
    """Classify the next step (or open task subject) with its explanation and the parse
    behind it, memoised by text and the deal's contacts (their names, titles and roles say
    who the client is)."""
    text, source = deal.next_step, "next_step"
    if not (text or "").strip() and (deal.open_task_subject or "").strip():
        text, source = deal.open_task_subject, "open_task"
    people = _mentioned(text or "", deal)
    key = (text, source, stage_key, people)
    hit = cp.checks.get(key)
    if hit is None:
        res = cp.lexicon.classify(text, stage_key, people)
        given = bool((text or "").strip())
        check = trusted(
            NextStepCheck,
            verdict=Verdict(res.verdict),
            reason=res.reason,
            text=text if given else None,
            source=source if given else None,
            strength=res.strength,
            action=res.action,
            repairable=res.repairable,
        )
        parse = res.parse_text()
        why = trusted(
            Explanation,
            rule_id=f"next_step.{res.verdict}",
            inputs={
                "text": check.text,
                "source": check.source,
                "stage": stage_key,
                "parse": [c.as_dict() for c in res.clauses],
            },
            text=f"{res.reason} [parse: {parse}]" if parse else res.reason,
        )
        hit = (check, why, res)
        remember(cp.checks, key, hit, _CHECK_LIMIT)
    return hit
