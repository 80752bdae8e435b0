"""The call plan written for this deal: the client person by name, real dates, sayable lines.

The memoised :class:`~nextadvance.core._callplan.CallPlan` says *what* to close for and
ask; this fills the templates per deal with the contact who holds the role, the account,
dates counted from ``now`` (or from the next booked meeting) and capped by the close
date, and adds what only this deal's dates reveal: a close date the open essentials
cannot meet, the task's due date and urgency, and the verdict on the rep's own next step
as a sentence with a rewrite.  Pure: ``now`` comes from the caller.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from nextadvance.core._callplan import CallPlan, Pick
from nextadvance.core._compiled import CompiledPlaybook
from nextadvance.core._decision import (
    AdvanceChoice,
    CallObjective,
    Coaching,
    Explanation,
    NextStepCheck,
    explanation,
    trusted,
)
from nextadvance.core._people import DealPeople
from nextadvance.core._playbook_model import Advance, Urgency
from nextadvance.core._wording_model import FindWording, SoloWording, placeholders
from nextadvance.core.models import Activity, ActivityKind, Deal, Outcome

__all__ = ["coach"]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MEETING_KINDS = (ActivityKind.meeting, ActivityKind.call)
#: bound of the per-deal memos below (cleared when full), so memory does not grow with the
#: org (issue #20); 2,048 thrashed (engine ~15 % slower on pooled texts), 8,192 costs ~7 MB
_MEMO_LIMIT = 8_192


def say_date(d: date) -> str:
    """``Fri 12 Dec``: short, unambiguous across locales, no year (always the coming weeks)."""
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month]}"


def _weekday(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


_DUE: dict[tuple[date, int], date] = {}


def _due(start: date, n: int) -> date:
    key = (start, n)
    hit = _DUE.get(key)
    if hit is None:
        if len(_DUE) > 4096:
            _DUE.clear()
        hit = _DUE[key] = _business_days(start, n)
    return hit


def _business_days(start: date, n: int) -> date:
    day = _weekday(start)
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


#: said dates are the same for many deals: a small shared cache
_SAID: dict[date, str] = {}


def _say(d: date) -> str:
    hit = _SAID.get(d)
    if hit is None:
        if len(_SAID) > 4096:
            _SAID.clear()
        hit = _SAID[d] = say_date(d)
    return hit


def next_meeting(activities: list[Activity], now: datetime) -> date | None:
    """The date of the earliest client meeting or call booked after ``now`` (time-ordered)."""
    found = None
    for a in reversed(activities):
        if a.at <= now:
            break
        if a.outcome is Outcome.scheduled and a.kind in _MEETING_KINDS:
            found = a.at.date()
    return found


_BY: dict[tuple[int, date, date | None, date], date] = {}


def _by(adv_days: int, base: date, close: date | None, today: date) -> date:
    """The due date of an advance: ``adv_days`` after ``base``, on a weekday, capped by a
    close date still ahead; memoised (a handful of advances, dates of the coming months)."""
    key = (adv_days, base, close, today)
    hit = _BY.get(key)
    if hit is None:
        if len(_BY) >= _MEMO_LIMIT:
            _BY.clear()
        hit = _BY[key] = _compute_by(adv_days, base, close, today)
    return hit


def _compute_by(adv_days: int, base: date, close: date | None, today: date) -> date:
    by = _weekday(base + timedelta(days=adv_days))
    if close is not None and today < close < by:
        by = close
        while by.weekday() >= 5 and by > today + timedelta(days=1):
            by -= timedelta(days=1)  # a commitment due on a weekend is due the Friday
    return by


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
        if len(_USES) >= _MEMO_LIMIT:
            _USES.clear()
        hit = _USES[id(words)] = (words, tuple(sorted(names)))
    return hit[1]


def _choice(
    pick: Pick, d: DealPeople, find: FindWording, base: date, close: date | None
) -> AdvanceChoice:
    """The advance written for this deal; memoised on exactly the values it reads, since
    the same first names, role labels and dates recur across an org."""
    adv = pick.advance
    by = _by(adv.days, base, close, d.today)
    who = d.who(pick)
    role = pick.finds_role
    fill = d.fill
    words: _Words = find if role is not None else adv
    if role is None and adv.solo is not None and d.alone(adv, who):
        words = adv.solo
    key = (id(adv), id(words), role, who, by, *[fill[p] for p in _uses(words)])
    hit = _CHOICES.get(key)
    if hit is not None and hit[0] == (adv, words):
        return hit[1]
    fill["who"] = who
    fill["by"] = _say(by)
    if role is not None:
        fill["role"] = d.wording.roles.get(role, role.replace("_", " "))
    text, subject, ask, goal = words.text, words.subject or words.text, words.ask, words.goal
    filled = _cap(text.format_map(fill))
    spoken = d.spoken(who)
    choice = trusted(
        AdvanceChoice,
        text=filled,
        advance_id=adv.id,
        subject=_cap(subject.format_map(fill)),
        ask=_cap(ask.format_map(spoken)) if ask else filled,
        goal=goal.format_map(spoken) if goal else "on this: " + filled,
        who=who,
        by=by,
        finds_role=role,
    )
    if len(_CHOICES) >= _MEMO_LIMIT:
        _CHOICES.clear()
    _CHOICES[key] = ((adv, words), choice)
    return choice


def _close_date_note(
    cp: CompiledPlaybook, plan: CallPlan, deal: Deal, d: DealPeople, fill: dict[str, str]
) -> str | None:
    close = deal.close_date
    if close is None:
        return None
    if close < d.today:
        fill["close"] = _say(close)
        return cp.playbook.wording.close_date.past.format_map(fill)
    days = (close - d.today).days
    if plan.remaining and days < plan.remaining * cp.playbook.thresholds.days_per_essential:
        titles = ", ".join(t[:1].lower() + t[1:] for t in plan.remaining_titles)
        more = ", ..." if plan.remaining > len(plan.remaining_titles) else ""
        return cp.playbook.wording.close_date.too_soon.format_map(
            {
                **fill,
                "close": _say(close),
                "days": days,
                "count": plan.remaining,
                "open": titles + more,
            }
        )
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
    meeting = next_meeting(activities, now) if activities and activities[-1].at > now else None
    base = meeting or today
    close = deal.close_date
    stretch = _choice(plan.stretch, d, w.find_stretch, base, close) if plan.stretch else None
    conservative = (
        _choice(plan.conservative, d, w.find_conservative, base, close)
        if plan.conservative
        else None
    )
    lead = stretch or conservative
    who = lead.who if lead is not None and lead.who else d.who(None)
    fill = d.fill
    fill["who"] = who
    fill["by"] = _say(lead.by) if lead is not None and lead.by else ""
    agenda = plan.agenda
    b = w.body
    questions = agenda.questions
    ask_lines = agenda.ask_lines
    if None in ask_lines:  # some question names a role: said to this person
        spoken = d.spoken(who)
        questions = tuple([q.format_map(spoken) if "{" in q else q for q in questions])
        ask_lines = tuple(
            [
                x if x is not None else _words(b.ask.format(question=q))
                for x, q in zip(ask_lines, questions, strict=True)
            ]
        )
    note = _close_date_note(cp, plan, deal, d, fill)
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
        head.append(f"Tie it to: {deal.strategic_objective}")
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
    call = trusted(
        CallObjective,
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
    due = meeting or _due(today, th.due_business_days.get(urgency, 2))
    verdict = w.verdicts.get(check.verdict.value, "")
    if "{" in verdict:
        rewrite = conservative or lead
        fill["rewrite"] = rewrite.text if rewrite is not None else ""
        verdict = verdict.format_map(fill)
    coaching = trusted(
        Coaching,
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
