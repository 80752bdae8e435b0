"""The call plan written for this deal: the client person by name, real dates, sayable lines.

The memoised :class:`~nextadvance.core._callplan.CallPlan` says *what* to close for and
ask; this fills the templates per deal with the contact who holds the role, the account,
dates counted from ``now`` (or from the next booked meeting) and capped by the close
date, and adds what only this deal's dates reveal: a close date the open essentials
cannot meet, the task's due date and urgency, and the verdict on the rep's own next step
as a sentence with a rewrite.  Pure: ``now`` comes from the caller.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from nextadvance.core._callplan import CallPlan, Pick
from nextadvance.core._coachdates import (
    DATE_STYLE,
    advance_by,
    next_meeting,
    say,
    say_date,
    sooner,
    workdays_after,
)
from nextadvance.core._coachout import build_call, build_choice, build_coaching
from nextadvance.core._compiled import CompiledPlaybook
from nextadvance.core._decision import (
    AdvanceChoice,
    AgreedStep,
    CallObjective,
    Coaching,
    Explanation,
    NextStepCheck,
    explanation,
)
from nextadvance.core._memo import remember
from nextadvance.core._people import DealPeople
from nextadvance.core._playbook_model import Advance, Urgency
from nextadvance.core._repair import rewrite_for
from nextadvance.core._stepqual import agreed_for
from nextadvance.core._wording_model import FindWording, SoloWording, placeholders
from nextadvance.core.models import Activity, Deal

__all__ = ["DATE_STYLE", "coach", "say_date"]

#: bound of the per-deal memos below (cleared when full), so memory does not grow with the
#: org (issue #20); 2,048 thrashed (engine ~15 % slower on pooled texts), 8,192 costs ~7 MB
_MEMO_LIMIT = 8_192


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


#: compiled patterns weigh ~1 kB each: as many as ``re``'s own cache holds
_NAMES_LIMIT = 512
_NAMES: dict[str, re.Pattern[str]] = {}


def _names(person: str) -> re.Pattern[str]:
    """The pattern of ``person`` said as a word, any case (memoised: first names recur)."""
    hit = _NAMES.get(person)
    if hit is None:
        hit = remember(
            _NAMES, person, re.compile(rf"\b{re.escape(person)}\b", re.IGNORECASE), _NAMES_LIMIT
        )
    return hit


_CHOICES: dict[tuple[object, ...], tuple[object, AdvanceChoice]] = {}
_USES: dict[int, tuple[object, tuple[str, ...]]] = {}

#: the four templates of a pick: the advance's own, its ``solo`` words, or a find rewrite
_Words = Advance | SoloWording | FindWording


def _uses(words: _Words) -> tuple[str, ...]:
    """The deal placeholders a pick's four templates read (memo key of its fill)."""
    hit = _USES.get(id(words))
    if hit is None or hit[0] is not words:
        src = (words.text, words.subject, words.ask, words.goal)
        names = {n for t in src for n in placeholders(t)} - {"who", "by", "role"}
        hit = remember(_USES, id(words), (words, tuple(sorted(names))), _MEMO_LIMIT)
    return hit[1]


def _date(
    pick: Pick,
    d: DealPeople,
    base: date,
    close: date | None,
    cp: CompiledPlaybook,
    kept: AgreedStep | None = None,
    before: date | None = None,
) -> date:
    """The advance's date: the rep's agreed one (``kept``), else counted from ``base`` and
    capped by the close date, and for the conservative (a smaller step) before the
    stretch's date (``before``) when there is a working day between the earliest date
    and it."""
    if kept is not None:
        return kept.by
    lead = cp.playbook.thresholds.min_lead_business_days
    by = advance_by(pick.advance.days, base, close, d.today, cp.days_off, lead)
    if before is not None and by >= before:
        by = sooner(by, before, base, d.today, cp.days_off, lead)
    return by


def _choice(
    pick: Pick,
    d: DealPeople,
    find: FindWording,
    by: date,
    kept: AgreedStep | None = None,
    lead_who: str | None = None,
) -> AdvanceChoice:
    """The advance written for this deal, due ``by`` (see :func:`_date`); memoised on
    exactly the values it reads, since the same first names, role labels and dates recur
    across an org.  ``kept``: the rep's agreed step for the same action, whose person the
    advance keeps; ``lead_who``: the stretch's person, who the conservative falls back on
    (see ``DealPeople.who``)."""
    adv = pick.advance
    who = kept.who if kept is not None and kept.who else d.who(pick, lead_who)
    role = pick.finds_role
    fill = d.fill
    words: _Words = find if role is not None else adv
    if role is None and adv.solo is not None and d.alone(adv, who):
        words = adv.solo
    style = d.wording.date_style
    key = (id(adv), id(words), role, who, by, style, *[fill[p] for p in _uses(words)])
    hit = _CHOICES.get(key)
    if hit is not None and hit[0] == (adv, words):
        return hit[1]
    fill["who"] = who
    fill["by"] = say(by, style)
    if role is not None:
        fill["role"] = d.wording.roles.get(role, role.replace("_", " "))
    text, subject, ask, goal = words.text, words.subject or words.text, words.ask, words.goal
    filled = _cap(text.format_map(fill))
    spoken = d.spoken(who)
    choice = build_choice(
        text=filled,
        advance_id=adv.id,
        subject=_cap(subject.format_map(fill)),
        ask=_cap(ask.format_map(spoken)) if ask else filled,
        goal=goal.format_map(spoken) if goal else "on this: " + filled,
        who=who,
        by=by,
        finds_role=role,
    )
    remember(_CHOICES, key, ((adv, words), choice), _MEMO_LIMIT)
    return choice


def _find_contact(
    d: DealPeople, words: FindWording, advance_id: str, by: date | None
) -> AdvanceChoice:
    """The stretch of a deal with no contact: someone at the account names the person who
    owns this (``wording.find_contact``), by the stretch's date."""
    fill = {**d.fill, "by": say(by, d.wording.date_style) if by is not None else ""}
    text = _cap(words.text.format_map(fill))
    return build_choice(
        text=text,
        advance_id=advance_id,
        subject=_cap(words.subject.format_map(fill)),
        ask=_cap(words.ask.format_map(fill)),
        goal=words.goal.format_map(fill),
        who=d.who(None),
        by=by,
        finds_role=None,
    )


def _close_date_note(
    cp: CompiledPlaybook,
    plan: CallPlan,
    deal: Deal,
    d: DealPeople,
    fill: dict[str, str],
    by: date | None,
) -> str | None:
    close = deal.close_date
    if close is None:
        return None
    if close < d.today:
        fill["close"] = say(close, d.wording.date_style)
        return cp.playbook.wording.close_date.past.format_map(fill)
    if by is not None and close < by:  # too near to act on: the advance kept its real date
        fill["close"] = say(close, d.wording.date_style)
        return cp.playbook.wording.close_date.before_advance.format_map(fill)
    days = (close - d.today).days
    if plan.remaining and days < plan.remaining * cp.playbook.thresholds.days_per_essential:
        titles = ", ".join(t[:1].lower() + t[1:] for t in plan.remaining_titles)
        more = ", ..." if plan.remaining > len(plan.remaining_titles) else ""
        words = cp.playbook.wording.close_date
        # "tomorrow", never "1 days out"
        out = words.today if days == 0 else words.tomorrow if days == 1 else words.days_out
        return words.too_soon.format_map(
            {
                **fill,
                "close": say(close, d.wording.date_style),
                "days": days,
                "days_out": out.format(days=days),
                "count": plan.remaining,
                "open": titles + more,
            }
        )
    return None


def _kept(cp: CompiledPlaybook, pick: Pick | None, check: NextStepCheck) -> AgreedStep | None:
    """The rep's agreed step for the same client action as ``pick`` (none when the pick
    first finds a person)."""
    if pick is None or pick.finds_role is not None:
        return None
    return agreed_for(cp, pick.advance, check)


def _qualified(
    cp: CompiledPlaybook, deal: Deal, check: NextStepCheck, d: DealPeople, who: str
) -> str | None:
    """The verdict sentence for a good step this deal or today qualifies (its date has
    passed, it names a stranger, it goes back stages), else None."""
    if check.overdue is None and check.unknown_person is None and check.behind_stage is None:
        return None  # the common case: no qualifier, no fill to build
    words = cp.playbook.wording.next_step
    fill = {**d.fill, "person": check.person or who}
    if check.overdue is not None:
        return words.overdue.format_map({**fill, "date": say(check.overdue, d.wording.date_style)})
    if check.unknown_person is not None:
        return words.unknown_person.format_map({**fill, "name": check.unknown_person})
    if check.behind_stage is not None:
        stage = cp.stages.get(deal.stage)
        title = stage.title if stage is not None and stage.title else deal.stage
        topic = check.behind_stage.replace("_", " ")
        return words.behind_stage.format_map({**fill, "topic": topic, "stage": title})
    return None


def _words(text: str) -> tuple[str, int]:
    return text, len(text.split())


def _urgency(priority: float, high: float, low: float) -> Urgency:
    return "high" if priority >= high else "low" if priority < low else "normal"


def coach(
    cp: CompiledPlaybook,
    plan: CallPlan,
    deal: Deal,
    activities: list[Activity],
    check: NextStepCheck,
    priority: float,
    now: datetime,
) -> tuple[CallObjective, Coaching, list[Explanation]]:
    """The filled call objective, the task's coaching fields, and any per-deal explanations.

    The task body and the call objective's ``plan`` are the same lines: what the rep reads
    in the CRM is what ``explain`` shows.
    """
    pb = cp.playbook
    w, th = pb.wording, pb.thresholds
    today = now.date()
    d = DealPeople(deal, w, today, pb.role_stand_ins)
    ahead = bool(activities) and activities[-1].at > now.astimezone(UTC)  # by instant
    meeting = next_meeting(activities, now) if ahead else None
    base = meeting or today
    close = deal.close_date
    # a good step of the rep's own, still ahead and about people on the deal: build on it
    build = (
        check.verdict == "advance"
        and check.overdue is None
        and check.unknown_person is None
        and check.behind_stage is None
    )
    kept_s = _kept(cp, plan.stretch, check) if build else None
    kept_c = _kept(cp, plan.conservative, check) if build else None
    pick_s, pick_c = plan.stretch, plan.conservative
    stretch = conservative = None
    by_s = _date(pick_s, d, base, close, cp, kept_s) if pick_s is not None else None
    by_c = _date(pick_c, d, base, close, cp, kept_c, by_s) if pick_c is not None else None
    if not d.names and pick_s is not None and by_s is not None:
        # nobody on the deal to hold to a pilot or a signature: find who owns this first
        # (only the advances' ids and dates carry over, so they are not written out)
        stretch, conservative = (
            _find_contact(d, w.find_contact, pick_s.advance.id, by_s),
            _find_contact(
                d,
                w.find_contact_least,
                pick_c.advance.id if pick_c is not None else pick_s.advance.id,
                by_c if pick_c is not None else by_s,
            ),
        )
    else:
        if pick_s is not None and by_s is not None:
            stretch = _choice(pick_s, d, w.find_stretch, by_s, kept_s)
        if pick_c is not None and by_c is not None:
            lead_who = stretch.who if stretch is not None and kept_s is None else None
            conservative = _choice(pick_c, d, w.find_conservative, by_c, kept_c, lead_who)
    if build and check.agreed and kept_s is None and kept_c is None and conservative and check.text:
        # the floor is what the client already agreed, in the rep's words (unless the
        # stretch is that very step: the playbook's smaller step stays the floor)
        person = check.person or conservative.who
        if person and _names(person).search(check.text):
            person = "them"  # the step names them already: "hold them to …", not twice
        kept = w.next_step.kept.format_map({**d.fill, "person": person, "step": check.text})
        conservative = conservative.model_copy(update={"text": _cap(kept)})
    lead = stretch or conservative
    who = lead.who if lead is not None and lead.who else d.who(None)
    fill = d.fill
    fill["who"] = who
    fill["by"] = say(lead.by, w.date_style) if lead is not None and lead.by else ""
    agenda = plan.agenda
    b = w.body
    questions = agenda.questions
    ask_lines = agenda.ask_lines
    if build and check.covers:  # what the agreed step already covers is not asked again
        covered = {
            q
            for o in agenda.items
            if o.id in check.covers and o.id not in agenda.negatives
            for q in o.questions
        }
        keep = [i for i, q in enumerate(questions) if q not in covered]
        if len(keep) < len(questions):
            questions = tuple([questions[i] for i in keep])
            ask_lines = tuple([ask_lines[i] for i in keep])
    if None in ask_lines:  # some question names a role: said to this person
        spoken = d.spoken(who)
        questions = tuple([q.format_map(spoken) if "{" in q else q for q in questions])
        ask_lines = tuple(
            [
                x if x is not None else _words(b.ask.format(question=q))
                for x, q in zip(ask_lines, questions, strict=True)
            ]
        )
    note = _close_date_note(cp, plan, deal, d, fill, lead.by if lead is not None else None)
    head = []
    if agenda.negatives:
        for o in agenda.items:
            if o.id in agenda.negatives:
                fill["title"] = o.title
                meta = cp.objective_meta.get(o.id)
                short = meta.negative_title if meta is not None else None
                fill["negative"] = short or _cap(w.negative_fallback.format_map(fill))
                head.append(b.first.format(note=_cap(w.negative.format_map(fill))))
    opening = ""
    if stretch is not None:
        fill["goal"] = stretch.goal
        opening = _cap(w.opening.format_map(fill))
        head.append(b.open.format(opening=opening))
    if deal.strategic_objective:
        head.append(b.tie.format(objective=deal.strategic_objective))
    tail = [b.close.format(close=stretch.ask)] if stretch is not None else []
    if conservative is not None:
        tail.append(b.least.format(conservative=conservative.text))
    if note is not None:
        tail.append(b.watch.format(note=note))
    # read in ten seconds: fewer questions rather than a longer task (at least one stays)
    budget = th.task_words
    for x in head:
        budget -= x.count(" ") + 1
    for x in tail:
        budget -= x.count(" ") + 1
    lines = [x for x in ask_lines if x is not None]  # all filled by now
    n = len(lines)
    used = sum([x[1] for x in lines])
    while n > 1 and used > budget:
        n -= 1
        used -= lines[n][1]
    body = tuple(head + [x[0] for x in lines[:n]] + tail)
    call = build_call(
        learn=agenda.learn_ids,
        questions=questions,
        stretch=stretch,
        conservative=conservative,
        plan=body,
        strategic_objective=deal.strategic_objective,
        opening=opening,
        close=stretch.ask if stretch is not None else "",
        negatives=agenda.negatives,
        close_date_note=note,
        look_ahead=agenda.look_ids,
    )
    urgency = _urgency(priority, th.high_priority, th.low_priority)
    # due on the meeting day itself (the task is the plan for that call: due the day before
    # would show it overdue when the rep opens it), never after the advance it closes for
    due = meeting or workdays_after(today, th.due_business_days.get(urgency, 2), cp.days_off)
    if lead is not None and lead.by is not None and due > lead.by:
        due = lead.by
    verdict = w.verdicts.get(check.verdict._value_, "")
    qualified = _qualified(cp, deal, check, d, who)
    if qualified is not None:
        verdict = qualified
    elif "{" in verdict:
        rewrite = conservative or lead
        by = rewrite.by if rewrite is not None else None
        fill["rewrite"] = rewrite_for(w, check, rewrite, fill, say(by, w.date_style) if by else "")
        verdict = verdict.format_map(fill)
    coaching = build_coaching(
        subject=lead.subject if lead is not None else "",
        verdict=verdict,
        due=due,
        urgency=urgency,
        next_meeting=meeting,
        body=body,
    )
    if note is None:
        return call, coaching, []
    why = explanation(
        "close_date.unrealistic",
        {"close_date": str(close), "open_essentials": plan.remaining},
        note,
    )
    return call, coaching, [why]
