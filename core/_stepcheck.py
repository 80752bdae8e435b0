"""The next-step check of one deal (verdict and explanation), memoised by text and people.

The verdict depends on the text, where it came from, the stage and the deal's contacts
the text can refer to; next steps recur across an org ("send proposal to Jane"), so the
check and its explanation are built once per such key and shared.
"""

from __future__ import annotations

from nextadvance.core._compiled import CompiledPlaybook
from nextadvance.core._decision import Explanation, NextStepCheck, Verdict, trusted
from nextadvance.core.models import Deal

__all__ = ["check_next_step_cached"]

#: memo bound (cleared when full): 1,024 thrashed, ~2.5k distinct checks in a pooled run
_CHECK_LIMIT = 4_096


def _mentioned(text: str, deal: Deal) -> tuple[tuple[str, str, str], ...]:
    """The deal's contacts the text can refer to (a name part, title or role occurs in it).

    Only these change how the text is read, so they - not every contact - key the memo:
    the same next step on deals with different contact lists is parsed once.
    """
    if not deal.contacts:
        return ()
    low = text.lower()
    out = []
    for c in deal.contacts:
        title, role = c.title or "", c.role or ""
        if (
            any(part in low for part in _name_parts(c.name))
            or (title and title.lower() in low)
            or (role and role.replace("_", " ") in low)
        ):
            out.append((c.name, title, role))
    return tuple(out)


_PARTS: dict[str, tuple[str, ...]] = {}


def _name_parts(name: str) -> tuple[str, ...]:
    """The lower-case parts of a contact name longer than one letter (memoised: names
    recur in an org, and every deal's next step is checked against its contacts)."""
    hit = _PARTS.get(name)
    if hit is None:
        if len(_PARTS) >= _CHECK_LIMIT:
            _PARTS.clear()
        hit = _PARTS[name] = tuple([p for p in name.lower().split() if len(p) > 1])
    return hit


def check_next_step_cached(
    cp: CompiledPlaybook, deal: Deal, stage_key: str
) -> tuple[NextStepCheck, Explanation]:
    """Classify the next step (or open task subject) with its explanation, memoised by text
    and the deal's contacts (their names, titles and roles say who the client is)."""
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
        if len(cp.checks) >= _CHECK_LIMIT:
            cp.checks.clear()
        hit = (check, why)
        cp.checks[key] = hit
    return hit
