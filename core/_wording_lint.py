"""Lint of a playbook's rep-facing advance wording: what loads fine but reads wrong.

Two kinds of warning, both about custom playbooks too (so warnings, not load errors):
grammar that only breaks for some deals (no contact on the deal, one contact holding
every role), and a stage whose conservative is its stretch made shorter (same meeting,
fewer minutes, same date), which gives the rep no real fallback.  Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nextadvance.core._playbook_model import Advance, Playbook
from nextadvance.core._wording_model import ADVANCE_FIELDS, ROLE_PLACEHOLDERS, FindWording

__all__ = ["commitment_warnings", "grammar_warnings", "wording_warnings"]

#: a name standing for every role at once (the "same person" fill)
_ONE = "Vera"
#: what reads broken once filled, with why
_BROKEN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:at|of) [A-Z][\w&.-]*(?: [A-Z][\w&.-]*)*'s\b"), "possessive of a phrase"),
    (re.compile(r"\bto \d+ minutes\b"), "'to N minutes' (say 'to a N-minute call')"),
    (re.compile(r"\bsigned with\b"), "'signed with <person>' (say '<person> signs')"),
    (re.compile(r"\byou and you\b|\bbring you\b|\bwith you and you\b"), "'you' twice"),
    (re.compile(rf"\b{_ONE}\b.*\b{_ONE}\b"), "the same person named twice"),
    (re.compile(r"\{|\}"), "an unfilled placeholder"),
)
#: words that do not make one commitment differ from another
_SAME = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "or",
        "before",
        "by",
        "with",
        "and",
        "to",
        "of",
        "for",
        "in",
        "their",
        "your",
        "you",
        "them",
        "it",
        "this",
        "that",
        "call",
        "meeting",
        "meetings",
        "minute",
        "minutes",
        "hour",
        "hours",
        "books",
        "book",
        "booked",
        "agrees",
        "agree",
    ]
)
_DURATION = re.compile(r"\b(?:\d+|one|two|three)[- ](?:minute|hour)s?\b")
_WORD = re.compile(r"\{\w+\}|[a-z]+")


def _fills(pb: Playbook) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """(name, third-person fill, spoken fill) for a deal without contacts and for one whose
    single contact holds every role."""
    w = pb.wording
    labels = {r: w.roles.get(r, r.replace("_", " ")) for r in ROLE_PLACEHOLDERS}
    said = {**labels, **w.roles_said}
    base = {"account": "Harbor Bank", "by": "Mon 14 Dec", "role": "the technical buyer"}
    nobody = w.no_contact.format(account=base["account"])
    yield "no contact", {**base, **labels, "who": nobody}, {**base, **said, "who": nobody}
    one = dict.fromkeys(ROLE_PLACEHOLDERS, _ONE)
    yield "one contact in every role", {**base, **one, "who": _ONE}, {**base, **one, "who": "you"}


def _templates(pb: Playbook) -> Iterator[tuple[str, Advance | FindWording]]:
    """(where, words) for every advance and recovery, and the find words."""
    for stage in pb.stages:
        advs = [*stage.advances, *(r for o in stage.objectives for r in _recoveries(o))]
        for adv in advs:
            yield f"stages.{stage.key}.{adv.id}", adv
    w = pb.wording
    for key in ("find_stretch", "find_conservative", "find_contact", "find_contact_least"):
        yield f"wording.{key}", getattr(w, key)


def _recoveries(obj: object) -> list[Advance]:
    rec = getattr(obj, "recovery", None)
    return [rec] if isinstance(rec, Advance) else []


def grammar_warnings(pb: Playbook) -> list[str]:
    """Every advance template rendered for a deal with no contact and for one contact in
    every role (``solo`` words where the advance has them): broken patterns found."""
    out: list[str] = []
    for where, words in _templates(pb):
        solo = getattr(words, "solo", None)
        for name, third, spoken in _fills(pb):
            same = name != "no contact"
            use = solo if same and solo is not None else words
            for f in ADVANCE_FIELDS:
                text = getattr(use, f, "") or ""
                if not text:
                    continue
                if same and solo is None and "{who}" in text and _names_role(text):
                    # the engine lets another contact act; only a lone contact is left
                    continue
                fill = spoken if f in ("ask", "goal") else third
                try:
                    said = text.format_map(fill)
                except (KeyError, IndexError, ValueError):
                    continue
                for pattern, why in _BROKEN:
                    if pattern.search(said):
                        out.append(f"{where}.{f} ({name}): {why}: {said!r}")
    return out


def _names_role(text: str) -> bool:
    return any("{" + r + "}" in text for r in ROLE_PLACEHOLDERS)


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(_DURATION.sub(" ", text.lower())) if w not in _SAME}


def commitment_warnings(pb: Playbook) -> list[str]:
    """Stages whose stretch (or its ``solo`` words) differs from a conservative in fewer
    than two content words once durations are set aside ("a 45-minute discovery meeting"
    against "a 30-minute discovery call"), or whose conservative is dated no sooner."""
    out: list[str] = []
    for stage in pb.stages:
        stretches = [a for a in stage.advances if a.level == "stretch"]
        for cons in (a for a in stage.advances if a.level == "conservative"):
            floor = _content(cons.text.replace("{who}", " "))
            for s in stretches:
                texts = [("", s.text)] + ([(" (solo)", s.solo.text)] if s.solo else [])
                for tag, text in texts:
                    extra = _content(text.replace("{who}", " ")) - floor
                    if len(extra) < 2:
                        out.append(
                            f"stages.{stage.key}: stretch '{s.id}'{tag} and conservative"
                            f" '{cons.id}' differ only in duration or one word"
                            f" ({', '.join(sorted(extra)) or 'nothing'}): make the"
                            " conservative a different, smaller commitment"
                        )
                if cons.days >= s.days:
                    out.append(
                        f"stages.{stage.key}: conservative '{cons.id}' ({cons.days} days) is not"
                        f" dated before stretch '{s.id}' ({s.days} days): give it fewer days"
                    )
    return out


def wording_warnings(pb: Playbook) -> list[str]:
    """Both lints, grammar first."""
    return grammar_warnings(pb) + commitment_warnings(pb)
