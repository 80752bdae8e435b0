"""The words a rep reads, as playbook data: call-plan sentences, task lines, verdicts.

Ops teams change the wording without touching Python (docs/operations.md, "Changing the
wording").  Every template is a Python format string whose ``{placeholders}`` are checked
once, when the playbook loads: an unknown one is a located error with a did-you-mean, so a
typo never reaches a rep as a literal ``{whoo}``.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ADVANCE_FIELDS",
    "ROLE_PLACEHOLDERS",
    "CardWording",
    "Qualifier",
    "SoloWording",
    "Wording",
    "template_problems",
]

#: roles a template may name; each fills with the first name of the contact holding the
#: role, or with the role's label (``Wording.roles``) when the deal has nobody in it
ROLE_PLACEHOLDERS = (
    "decision_maker",
    "economic_buyer",
    "champion",
    "technical_buyer",
    "influencer",
    "legal",
    "procurement",
    "user",
)
#: what every deal-level template can use: the acting contact, the account, the date
_DEAL = ("who", "account", "by", *ROLE_PLACEHOLDERS)
#: the advance strings of the playbook catalog (Advance.text/subject/ask/goal)
ADVANCE_FIELDS = ("text", "subject", "ask", "goal")


VerdictCode = Literal["advance", "vague", "seller_action", "unrealistic_for_stage", "empty"]


def _default_verdicts() -> dict[VerdictCode, str]:
    return {
        "advance": "Good next step: a client commitment with a date.",
        "vague": "Too vague to check afterwards. Try: '{rewrite}'",
        "seller_action": "That is your action, not the client's. Try: '{rewrite}'",
        "unrealistic_for_stage": "Too big a step for this stage. Try: '{rewrite}'",
        "empty": "No client commitment yet. Try: '{rewrite}'",
    }


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FindWording(_M):
    """An advance rewritten to first find a person the deal does not have yet."""

    text: str
    subject: str
    ask: str
    goal: str


class SoloWording(_M):
    """An advance's words for when the person who acts is also the person it names.

    "{who} brings {decision_maker} to a review" reads "Bruno brings Bruno" when the deal's
    only contact is the decision maker; ``solo`` says it for one person ("Bruno reviews
    the business case with you").  Empty ``subject``/``ask``/``goal`` fall back as the
    advance's own do.
    """

    text: str
    subject: str = ""
    ask: str = ""
    goal: str = ""


class BodyWording(_M):
    """The lines of the task body, in the order a rep uses them on the call."""

    first: str = "First: {note}"
    open: str = 'Open: "{opening}"'
    ask: str = "Ask: {question}"
    close: str = 'Close: "{close}"'
    least: str = "At least: {conservative}"
    watch: str = "Watch: {note}"
    #: the deal's strategic objective, when it has one
    tie: str = "Tie it to: {objective}"


class MomentumWording(_M):
    """The momentum fact a rep reads (card, ``decide``) once the deal has not advanced for
    longer than its stage's ``stall_days``: since when, and whether anyone is still talking."""

    #: stalled: no advance and no conversation within ``stall_days``
    stalled: str = "No client advance since {since} and no conversation since {talked}"
    #: stalled, and no conversation since that advance
    quiet: str = "No client advance or conversation since {since}"
    #: not stalled: conversations go on, but none moved the deal
    talking: str = "No client advance since {since}; last conversation {talked}"


class CloseDateWording(_M):
    """Close-date realism: a date already past, too near for the next step, or one the
    open essentials cannot meet."""

    past: str = "close date {close} has passed; agree a real date with {who}."
    too_soon: str = (
        "close date {close} is {days_out}, {count} still open: {open};"
        " ask {who} what the date depends on."
    )
    #: ``{days_out}``: how far the close date is, said as a rep would ("tomorrow", not
    #: "1 days out"); ``{days}`` is the number
    days_out: str = "{days} days out"
    tomorrow: str = "tomorrow"
    today: str = "today"
    #: the close date is too near for the next advance (dated {by}): the date must move
    before_advance: str = (
        "close date {close} is too soon for this step ({by} at the earliest);"
        " agree a later close date with {who}."
    )


#: what qualifies a good next step (``NextStepCheck``), in the order the verdict sentence
#: checks them: its date has passed, it names a stranger, it goes back stages
Qualifier = Literal["overdue", "unknown_person", "behind_stage"]


def _default_card_labels() -> dict[VerdictCode | Qualifier, str]:
    return {
        "advance": "A real advance",
        "vague": "Too vague",
        "seller_action": "Your action, not the client's",
        "unrealistic_for_stage": "Unrealistic for this stage",
        "empty": "No next step recorded",
        "overdue": "Its date has passed",
        "unknown_person": "Names someone not on the deal",
        "behind_stage": "Goes back to a settled question",
    }


class CardWording(_M):
    """The coach card's own words (docs/crm-card.md); its verdict sentence and rewrite are
    the verdict field's (``verdicts``, ``next_step``), so card and field never disagree."""

    #: the heading over the rep's next step ("Your next step: ..."), by verdict; a good
    #: step that this deal or today qualifies gets the qualifier's label
    labels: dict[VerdictCode | Qualifier, str] = Field(default_factory=_default_card_labels)


class StepWording(_M):
    """The verdict sentence for a good next step that this deal or today qualifies, and the
    floor line that keeps the rep's own agreed step when no catalog advance matches it."""

    overdue: str = "Good step, but its date ({date}) has passed: agree a new date with {person}."
    unknown_person: str = "Good step, but who is {name}? Add {name} to the deal's contacts."
    behind_stage: str = (
        "Good step, but it goes back to {topic}, settled stages ago: agree a step that moves"
        " the deal on from {stage}."
    )
    kept: str = 'hold {person} to the agreed step: "{step}"'


class Wording(_M):
    """Every rep-facing template; the defaults ship in ``mappings/defaults/playbook.yaml``."""

    roles: dict[str, str] = Field(
        default_factory=lambda: {
            "decision_maker": "the decision maker",
            "economic_buyer": "the budget owner",
            "champion": "your champion",
            "technical_buyer": "the technical buyer",
            "influencer": "the person who raised this",
            "legal": "their legal team",
            "procurement": "their procurement team",
            "user": "the people who will use it",
        }
    )
    #: a role's label in what the rep says to the client, where it differs from ``roles``
    #: ("Could we get your legal team on a call", not "their legal team")
    roles_said: dict[str, str] = Field(
        default_factory=lambda: {
            "legal": "your legal team",
            "procurement": "your procurement team",
        }
    )
    no_contact: str = "your contact at {account}"
    #: how a date is said: ``{weekday}`` (Fri), ``{day}`` (18), ``{month}`` (Dec),
    #: ``{month_number}`` (12), ``{year}``; a US team may write ``{weekday} {month_number}/{day}``
    date_style: str = "{weekday} {day} {month}"
    find_stretch: FindWording = FindWording(
        text="{who} introduces you to {role} in a meeting by {by}",
        subject="Get {who} to introduce {role} by {by}",
        ask="Who is {role} for this, and could you bring them to a 30-minute call with us by {by}?",
        goal="who {role} is and when we meet them",
    )
    find_conservative: FindWording = FindWording(
        text="{who} tells you who {role} is and how to reach them by {by}",
        subject="Get {who} to name {role} by {by}",
        ask="Could you tell me who {role} is and let them know I'll reach out by {by}?",
        goal="who {role} is",
    )
    #: the stretch when the deal has no contact at all: no one to hold to a pilot or a
    #: signature, so the step is finding the person who owns this (``find_contact_least`` its At least)
    find_contact: FindWording = FindWording(
        text="Someone at {account} names the person who owns this and books a first call, by {by}",
        subject="Find who owns this at {account} and book a first call by {by}",
        ask="Who at {account} owns this, and could we get 30 minutes with them before {by}?",
        goal="who owns this at {account} and when we first speak with them",
    )
    #: its At least: a name only, no call booked yet
    find_contact_least: FindWording = FindWording(
        text="Someone at {account} tells you who owns this and how to reach them, by {by}",
        subject="Find who owns this at {account} by {by}",
        ask="Who at {account} owns this, and how do I reach them?",
        goal="who owns this at {account}",
    )
    opening: str = "Before we wrap up, I'd like us to agree {goal}."
    #: the task's first line when an answer came back "no"; ``{negative}`` is the
    #: objective's ``negative_title``, else ``negative_fallback``
    negative: str = "{negative}. Deal with that before anything else."
    negative_fallback: str = 'Bad news on "{title}"'
    #: the verdict's rewrite when the rep's own step only lacks who and when: their words
    #: with a client person and a date added (``{step}``), instead of a suggestion of ours
    repair: str = "{who}: {step} by {by}"
    verdicts: dict[VerdictCode, str] = Field(default_factory=_default_verdicts)
    next_step: StepWording = StepWording()
    close_date: CloseDateWording = CloseDateWording()
    body: BodyWording = BodyWording()
    momentum: MomentumWording = MomentumWording()
    card: CardWording = CardWording()


#: allowed placeholders per template, by the template's key path below ``wording``
_ALLOWED: dict[str, tuple[str, ...]] = {
    "no_contact": ("account",),
    "date_style": ("weekday", "day", "month", "month_number", "year"),
    "find_stretch": (*_DEAL, "role"),
    "find_conservative": (*_DEAL, "role"),
    "find_contact": ("account", "by"),
    "find_contact_least": ("account", "by"),
    "opening": (*_DEAL, "goal"),
    "negative": (*_DEAL, "title", "negative"),
    "negative_fallback": (*_DEAL, "title"),
    "repair": (*_DEAL, "step"),
    "momentum": ("since", "talked"),
    "verdicts": (*_DEAL, "rewrite"),
    "next_step": (*_DEAL, "person", "date", "name", "topic", "stage", "step"),
    "close_date": (*_DEAL, "close", "days", "days_out", "count", "open"),
    "close_date.days_out": ("days",),
    "close_date.tomorrow": (),
    "close_date.today": (),
    "card.labels": (),
    "body.least": ("conservative",),
    "body.open": ("opening",),
    "body.ask": ("question",),
    "body.close": ("close",),
    "body.first": ("note",),
    "body.watch": ("note",),
    "body.tie": ("objective",),
}


def placeholders(template: str) -> list[str]:
    """The ``{names}`` a format string uses; raises ValueError for a malformed one."""
    names = []
    for _, name, spec, conv in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conv:
            raise ValueError(f"placeholder '{{{name}}}' must be a plain name like {{who}}")
        names.append(name)
    return names


def template_problems(template: str, allowed: tuple[str, ...]) -> Iterator[str]:
    """Messages for placeholders of ``template`` that are not ``allowed``, with a did-you-mean."""
    try:
        names = placeholders(template)
    except ValueError as err:
        yield f"bad template {template!r}: {err} (write {{{{ and }}}} for literal braces)"
        return
    for name in names:
        if name not in allowed:
            close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean '{{{close[0]}}}'?" if close else ""
            yield (
                f"unknown placeholder '{{{name}}}' (allowed: "
                + ", ".join(f"{{{a}}}" for a in allowed)
                + f"){hint}"
            )


def wording_problems(w: Wording) -> list[tuple[tuple[str | int, ...], str]]:
    """(key path below the playbook, message) for every bad template of ``w``."""
    out: list[tuple[tuple[str | int, ...], str]] = []

    def check(path: tuple[str | int, ...], text: str, allowed: tuple[str, ...]) -> None:
        out.extend((("wording", *path), msg) for msg in template_problems(text, allowed))

    check(("no_contact",), w.no_contact, _ALLOWED["no_contact"])
    check(("date_style",), w.date_style, _ALLOWED["date_style"])
    for key in ("find_stretch", "find_conservative", "find_contact", "find_contact_least"):
        find: FindWording = getattr(w, key)
        for f in ADVANCE_FIELDS:
            check((key, f), getattr(find, f), _ALLOWED[key])
    if w.find_stretch.text == w.find_conservative.text:
        out.append(
            (
                ("wording", "find_conservative", "text"),
                "the conservative 'find' text must differ from the stretch one",
            )
        )
    for key in ("opening", "negative", "negative_fallback", "repair"):
        check((key,), getattr(w, key), _ALLOWED[key])
    for verdict, text in w.verdicts.items():
        check(("verdicts", verdict), text, _ALLOWED["verdicts"])
    for key in StepWording.model_fields:
        check(("next_step", key), getattr(w.next_step, key), _ALLOWED["next_step"])
    for key in CloseDateWording.model_fields:
        allowed = _ALLOWED.get(f"close_date.{key}", _ALLOWED["close_date"])
        check(("close_date", key), getattr(w.close_date, key), allowed)
    for key, text in w.card.labels.items():
        check(("card", "labels", key), text, _ALLOWED["card.labels"])
    for key in MomentumWording.model_fields:
        check(("momentum", key), getattr(w.momentum, key), _ALLOWED["momentum"])
    for key in BodyWording.model_fields:
        check(("body", key), getattr(w.body, key), _ALLOWED[f"body.{key}"])
    for key in ("roles", "roles_said"):
        for role in getattr(w, key):
            if role not in ROLE_PLACEHOLDERS:
                out.append((("wording", key, role), f"unknown contact role '{role}'"))
    return out
