"""The coach card's verdict: the verdict field's own sentence and rewrite, under a heading.

The card and the deal's verdict field must never disagree, and the card must not show the
engine's debugging reason ("client commits to 'share_info' with a client person and a
date").  So the card takes the sentence the field says (``Coaching.verdict``), split at
its rewrite: "Too vague to check afterwards." above, the rewrite in "Try instead:".  The
split reads the playbook's own template back (``wording.verdicts``), so a wording edit by
ops reaches both; a sentence that does not read back whole stays whole, with no rewrite.

The heading is ``wording.card.labels``: by verdict, or by the qualifier of a good step
that this deal or today qualifies (its date has passed, ...), never "A real advance" then.
Pure: no I/O.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

from nextadvance.core import Decision
from nextadvance.core._wording_model import Wording

__all__ = ["card_verdict", "qualifier", "split_verdict"]

#: where a sentence of a template starts (after ". ", "? " or "! ")
_SENTENCE_END = re.compile(r"[.?!]\s+")
_READERS: dict[str, tuple[re.Pattern[str], str] | None] = {}
#: a label ops removed reads as the shipped one, never as the code
_SHIPPED = Wording().card.labels


def qualifier(decision: Decision) -> str | None:
    """What qualifies a good next step, in the order the verdict sentence says it."""
    check = decision.next_step_check
    if str(check.verdict) != "advance":
        return None
    if check.overdue is not None:
        return "overdue"
    if check.unknown_person is not None:
        return "unknown_person"
    if check.behind_stage is not None:
        return "behind_stage"
    return None


def _reader(template: str) -> tuple[re.Pattern[str], str] | None:
    """A pattern reading ``template``'s output back into its placeholders, and the part of
    the template before the sentence that holds ``{rewrite}``; None without a rewrite."""
    if template in _READERS:
        return _READERS[template]
    found: tuple[re.Pattern[str], str] | None = None
    at = template.find("{rewrite}")
    if at >= 0:
        parts: list[str] = []
        seen: set[str] = set()
        try:
            for literal, name, _, _ in string.Formatter().parse(template):
                parts.append(re.escape(literal))
                if name is None:
                    continue
                parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
                seen.add(name)
            pattern = re.compile("".join(parts), re.DOTALL)
        except (ValueError, re.error):
            pattern = None
        if pattern is not None:
            starts = [m.end() for m in _SENTENCE_END.finditer(template, 0, at)]
            found = (pattern, template[: starts[-1]].strip() if starts else "")
    if len(_READERS) >= 256:
        _READERS.clear()
    _READERS[template] = found
    return found


def split_verdict(template: str, said: str) -> tuple[str, str | None]:
    """``said`` (the verdict field's sentence, made from ``template``) as the card's
    sentence and rewrite: ("Too vague to check afterwards.", "Lucia: ... by Mon 14 Dec").
    Whole, with no rewrite, when it does not read back or has no sentence before it."""
    reader = _reader(template)
    if reader is None:
        return said, None
    pattern, head = reader
    m = pattern.fullmatch(said)
    if m is None or not head or not m["rewrite"].strip():
        return said, None
    try:
        sentence = head.format_map(m.groupdict())
    except (KeyError, ValueError, IndexError):
        return said, None
    return sentence, m["rewrite"].strip()


def _get(texts: Mapping[Any, str], key: str) -> str:
    return texts.get(key) or ""


def card_verdict(decision: Decision, wording: Wording) -> dict[str, Any]:
    """The card's verdict block (before the payload's length caps)."""
    check = decision.next_step_check
    code = str(check.verdict)
    qual = qualifier(decision)
    labels = wording.card.labels
    key = qual or code
    label = _get(labels, key) or _get(_SHIPPED, key) or code.replace("_", " ").capitalize()
    said = decision.coaching.verdict
    rewrite: str | None = None
    if qual is None and said:
        sentence, rewrite = split_verdict(_get(wording.verdicts, code), said)
    else:
        sentence = said
    return {
        "code": code,
        "qualifier": qual,
        "label": label,
        "sentence": sentence or label,
        "next_step": check.text,
        "rewrite": rewrite,
    }
