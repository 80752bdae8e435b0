"""What only the deal and today reveal about a good next step: qualifiers beside its verdict.

The verdict (:mod:`nextadvance.core._nextstep`) reads the text alone, as the labelled
corpus measures it.  An ``advance`` can still be stale or odd on *this* deal: every day
it names has passed ("Ines returns redlines by 11/02" read on 23 Nov), it names someone
who is on none of the deal's contacts ("Zelda to send the signed order form"), or it goes
back to an objective settled stages ago ("Marc to confirm budget" in Negotiation).  The
code stays ``advance``; the check carries the qualifier and the rep reads it in the
verdict sentence.  The same pass records what the step agrees (who, which client action
by which day, which objectives it covers), so the call plan builds on it.

Conservative on purpose: a weekday or "next week" is never read as past (the CRM does not
say when the step was written); a name, initials, title or team matching a contact is
known, and a name is unknown only when the deal has named contacts at all.  Pure: today
comes from the caller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from nextadvance.core._compiled import CompiledObjective, CompiledPlaybook, normalise
from nextadvance.core._decision import (
    AgreedStep,
    Explanation,
    NextStepCheck,
    ObjectiveResult,
    explanation,
    trusted,
)
from nextadvance.core._memo import LONG_TEXT, remember
from nextadvance.core._nextstep import StepResult
from nextadvance.core._parse import Clause
from nextadvance.core._playbook_model import Advance
from nextadvance.core._stepdate import resolve_dates
from nextadvance.core._wording_model import ROLE_PLACEHOLDERS
from nextadvance.core.models import Contact, Deal

__all__ = ["advance_action", "agreed_for", "contact_for", "qualify"]

_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "prof", "sir", "dame"})
_SPLIT = re.compile(r"[\s.]+")


_PARTS: dict[str, tuple[str, ...]] = {}
_NAMED: dict[tuple[int, str, str], tuple[CompiledPlaybook, str | None]] = {}


def _parts(name: str) -> tuple[str, ...]:
    """The lower-case parts of a name, honorifics left out (memoised: names recur)."""
    hit = _PARTS.get(name)
    if hit is None:
        split = _SPLIT.split(name.lower())
        hit = remember(
            _PARTS, name, tuple([p for p in split if len(p) > 1 and p not in _HONORIFICS]), 4_096
        )
    return hit


def _first(c: Contact) -> str:
    words = [w for w in c.name.split() if w.rstrip(".").lower() not in _HONORIFICS]
    return words[0] if words else c.name


def contact_for(actor: str, contacts: Sequence[Contact]) -> Contact | None:
    """The contact ``actor`` (the parser's lower-case client reference) points at: a name
    part or its first three letters ("ricky" for Ricardo), initials, a title or a role."""
    a = actor.lower().strip()
    if not a:
        return None
    for c in contacts:
        parts = _parts(c.name)
        initials = {"".join(p[0] for p in parts)} if len(parts) > 1 else set()
        title = (c.title or "").lower()
        role = (c.role or "").replace("_", " ").lower()
        words = a.split()
        if (
            a in parts
            or a in initials
            or any(w in parts for w in words)
            or (len(a) > 2 and any(p[:3] == a[:3] for p in parts if len(p) > 2))
            or (title and (a in title or title in a))
            or (role and (a in role or role in a))
        ):
            return c
    return None


def _by_aside(actor: str, raw: str, contacts: Sequence[Contact]) -> Contact | None:
    """The contact whose title or role the step puts in parentheses after the name
    ("Fatima (CFO)" with a contact titled exactly "CFO"): the rep wrote another name for
    them.  Only the whole title or role counts: "Greta (Director)" next to a "Finance
    Director" named Nikolai is someone else."""
    if "(" not in raw:
        return None  # most steps have no aside: skip building the pattern
    m = re.search(rf"(?<!\w){re.escape(actor)}\s*\(([^()]+)\)", raw, re.IGNORECASE)
    if m is None:
        return None
    aside = m.group(1).strip().lower()
    for c in contacts:
        title = (c.title or "").strip().lower()
        role = (c.role or "").replace("_", " ").lower()
        if aside in (title, role):
            return c
    return None


def _after_honorific(actor: str, raw: str) -> str | None:
    """The name after an honorific the parser took for the person ("Dr. Patel": "patel"),
    else ``actor`` itself; None when nothing follows it."""
    if actor.rstrip(".") not in _HONORIFICS:
        return actor
    m = re.search(rf"(?<!\w){re.escape(actor)}\.?\s+(\w+)", raw, re.IGNORECASE)
    return m.group(1).lower() if m is not None else None


def _named(cp: CompiledPlaybook, actor: str, raw: str) -> str | None:
    """``actor`` as written in ``raw`` when it reads as a person's name (one capitalised
    word, no team or title the lexicon knows: "Zelda", not "legal" or "CFO"); memoised."""
    key = (id(cp), actor, raw)
    hit = _NAMED.get(key)
    if hit is not None and hit[0] is cp:
        return hit[1]
    found = _name_in(cp, actor, raw)
    remember(_NAMED, key, (cp, found), 4_096)
    return found


def _name_in(cp: CompiledPlaybook, actor: str, raw: str) -> str | None:
    if " " in actor or not actor.isalpha() or len(actor) < 2:
        return None
    parser = cp.lexicon.parser
    for pat in (parser.client_actor, parser.generic_actor, parser.partner):
        if pat is not None and pat.search(actor):
            return None
    m = re.search(rf"(?<!\w){re.escape(actor)}(?!\w)", raw, re.IGNORECASE)
    if m is None or not m.group(0)[:1].isupper() or m.group(0).isupper():
        return None  # not in the text as written, lower case, or an acronym
    return m.group(0)


_Objs = Sequence[CompiledObjective]
_COVERS: dict[tuple[str, int], tuple[_Objs, tuple[CompiledObjective, ...]]] = {}
#: one entry per step text and objective scope (stage x segments): a pooled 20k-deal run
#: has ~5k, so 4,096 thrashed; entries are small (next steps are short, tuples shared)
_COVERS_LIMIT = 16_384


def _covers(text: str, objectives: _Objs) -> tuple[CompiledObjective, ...]:
    """The objectives whose keyword evidence the step's text names (memoised: next steps
    recur across an org, and a scope's objectives are one shared tuple)."""
    if len(text) > LONG_TEXT:
        return _covers_now(text, objectives)  # a written note, not a recurring step
    key = (text, id(objectives))
    hit = _COVERS.get(key)
    if hit is not None and hit[0] is objectives:
        return hit[1]
    found = _covers_now(text, objectives)
    remember(_COVERS, key, (objectives, found), _COVERS_LIMIT)
    return found


def _covers_now(text: str, objectives: _Objs) -> tuple[CompiledObjective, ...]:
    norm = normalise(text)
    words = frozenset(norm.split())
    out = []
    for o in objectives:
        for r in o.rules:
            kws = r.keywords
            if kws is not None and kws.may_match(words) and kws.find(norm, words) is not None:
                out.append(o)
                break
    return tuple(out)


def _overdue(clauses: Sequence[Clause], today: date) -> date | None:
    """The latest day the step names when every dated clause names a calendar day and all
    of them have passed (one weekday or "next week" among them: not overdue)."""
    latest: date | None = None
    for c in clauses:
        if c.when is None:
            continue
        days = resolve_dates(c.text, today)
        if not days:
            return None
        top = max(days)
        latest = top if latest is None or top > latest else latest
    return latest if latest is not None and latest < today else None


def qualify(
    cp: CompiledPlaybook,
    deal: Deal,
    stage_key: str,
    check: NextStepCheck,
    step: StepResult,
    objectives: Sequence[CompiledObjective],
    results: Sequence[ObjectiveResult],
    today: date,
) -> tuple[NextStepCheck, Explanation | None]:
    """``check`` with its qualifiers and what it agrees (unchanged unless an ``advance``),
    and an explanation when a qualifier applies."""
    if check.verdict != "advance" or step.clause < 0 or not check.text:
        return check, None
    text = check.text
    clauses = step.clauses
    lead = clauses[step.clause]
    contacts = deal.contacts
    named_contacts: bool | None = None  # computed when first needed (most steps: never)
    person: str | None = None
    unknown: str | None = None
    agreed: list[AgreedStep] = []
    for i, c in enumerate(clauses):
        if not c.commitment:
            continue
        who: str | None = None
        actor = _after_honorific(c.actor_text, text) if c.actor_text else None
        if c.actor == "client" and c.specific and actor:
            hit = contact_for(actor, contacts) or _by_aside(actor, text, contacts)
            if named_contacts is None and hit is None:
                named_contacts = any(_parts(c.name) for c in contacts)
            if hit is not None:
                who = _first(hit)
            elif named_contacts and unknown is None and actor not in _parts(deal.account.name):
                unknown = _named(cp, actor, text)  # not "Brightline to sign": the client firm
            elif not named_contacts:  # nobody to check against: the step's own name
                who = _named(cp, actor, text)
        if i == step.clause:
            person = who
        if c.when is not None and c.action is not None:
            ahead = [d for d in resolve_dates(c.text, today) if d >= today]
            if ahead:
                agreed.append(AgreedStep(action=c.action, who=who, by=ahead[0]))
    overdue = _overdue(clauses, today)
    covered = _covers(text, objectives)
    behind = _behind(cp, stage_key, lead, covered, results)
    out = trusted(  # check.model_copy(update=...) at a fifth of the cost: every field given
        NextStepCheck,
        **{
            **check.__dict__,
            "overdue": overdue,
            "unknown_person": unknown,
            "behind_stage": behind,
            "person": person,
            "agreed": tuple(agreed),
            "covers": tuple([o.id for o in covered]),
        },
    )
    if overdue is None and unknown is None and behind is None:
        return out, None
    said = []
    if overdue is not None:
        said.append(f"every date it names has passed (latest {overdue.isoformat()})")
    if unknown is not None:
        said.append(f"'{unknown}' matches none of the deal's contacts")
    if behind is not None:
        said.append(f"it goes back to '{behind}', learned stages ago")
    why = explanation(
        "next_step.qualified",
        {
            "overdue": overdue.isoformat() if overdue is not None else None,
            "unknown_person": unknown,
            "behind_stage": behind,
        },
        "still an advance by its words, but " + "; ".join(said),
    )
    return out, why


def _behind(
    cp: CompiledPlaybook,
    stage_key: str,
    lead: Clause,
    covered: Sequence[CompiledObjective],
    results: Sequence[ObjectiveResult],
) -> str | None:
    """The objective a step goes back to: it covers only objectives of stages two or more
    before the deal's, all already learned, with a general action ("confirm", "send",
    "meet"); a stage-specific one ("approve the budget", "sign") is a real step."""
    if not covered or lead.min_stage is not None:
        return None
    here = cp.order.get(stage_key, 0)
    status = {r.id: r.status for r in results}
    for o in covered:
        if cp.order.get(o.stage, here) > here - 2 or status.get(o.id) != "learned":
            return None
    return covered[0].id


#: a stand-in contact for reading an advance template as a next step
_STAND_IN = (("Nora Quist", "", ""),)
_ACTIONS: dict[int, tuple[Advance, str | None]] = {}


def advance_action(cp: CompiledPlaybook, adv: Advance) -> str | None:
    """The client action (lexicon id) an advance's text commits to, read as a next step
    ("Nora signs the order form by 12/4" is ``sign``), so a step's agreed date can be
    matched to the advance for the same action; memoised per advance."""
    hit = _ACTIONS.get(id(adv))
    if hit is not None and hit[0] is adv:
        return hit[1]
    fill = {r: cp.playbook.wording.roles.get(r, r) for r in ROLE_PLACEHOLDERS}
    fill.update(who="Nora", by="12/4", account="Acme")
    try:
        text = adv.text.format_map(fill)
    except (KeyError, ValueError):
        text = ""
    lex = cp.lexicon
    found = next(
        (c.action for c in lex.parser.parse(text, lex.people(_STAND_IN)) if c.commitment), None
    )
    remember(_ACTIONS, id(adv), (adv, found), 1_024)
    return found


def agreed_for(cp: CompiledPlaybook, adv: Advance, check: NextStepCheck) -> AgreedStep | None:
    """The rep's agreed step for the same client action as ``adv``, when that action is a
    stage-specific one (signing, legal review, a pilot: not a general "meeting" or "send"):
    our advance then keeps the client's own person and date."""
    if not check.agreed:
        return None
    action = advance_action(cp, adv)
    specific = {a.id for a in cp.playbook.lexicon.client_actions if a.min_stage is not None}
    if action is None or action not in specific:
        return None
    return next((a for a in check.agreed if a.action == action), None)
