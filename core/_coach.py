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
from nextadvance.core._playbook_model import Urgency
from nextadvance.core._wording_model import ROLE_PLACEHOLDERS, FindWording, Wording
from nextadvance.core.models import Activity, ActivityKind, Deal, Outcome

__all__ = ["coach"]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: who speaks for the deal when an advance names no actor, most useful first
_MAIN_ROLES = ("champion", "influencer", "decision_maker", "economic_buyer", "technical_buyer")
_MEETING_KINDS = (ActivityKind.meeting, ActivityKind.call)


def say_date(d: date) -> str:
    """``Fri 12 Dec``: short, unambiguous across locales, no year (always the coming weeks)."""
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month]}"


def _weekday(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _business_days(start: date, n: int) -> date:
    day = _weekday(start)
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_HONORIFICS = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof."})


def _first_name(name: str) -> str | None:
    parts = [p for p in name.split() if p.casefold() not in _HONORIFICS]
    return parts[0] if parts else None


def next_meeting(activities: list[Activity], now: datetime) -> date | None:
    """The date of the earliest client meeting or call booked after ``now`` (time-ordered)."""
    found = None
    for a in reversed(activities):
        if a.at <= now:
            break
        if a.outcome is Outcome.scheduled and a.kind in _MEETING_KINDS:
            found = a.at.date()
    return found


class _Deal:
    """Names and dates of one deal, for filling templates."""

    __slots__ = ("account", "fill", "holders", "main", "today", "wording")

    def __init__(self, deal: Deal, wording: Wording, today: date) -> None:
        self.wording, self.today = wording, today
        holders: dict[str, str] = {}
        anyone: str | None = None
        for c in deal.contacts:
            first = _first_name(c.name)
            if first is None:
                continue
            anyone = anyone or first
            if c.role and c.role not in holders:
                holders[c.role] = first
        self.holders = holders
        self.main = next((holders[r] for r in _MAIN_ROLES if r in holders), anyone)
        self.account = deal.account.name or "the account"
        roles = wording.roles
        self.fill = {
            r: holders.get(r) or roles.get(r, r.replace("_", " ")) for r in ROLE_PLACEHOLDERS
        }
        self.fill["account"] = self.account

    def who(self, pick: Pick | None) -> str:
        adv = pick.advance if pick else None
        if adv is not None and pick is not None and pick.finds_role is None:
            if adv.actor is not None and adv.actor in self.holders:
                return self.holders[adv.actor]
            busy = {self.holders.get(r) for r in adv.requires_roles}
            if self.main in busy:  # "Nora brings Nora": let someone else bring her
                other = next((n for r, n in self.holders.items() if n not in busy), None)
                if other is not None:
                    return other
        return self.main or self.wording.no_contact.format(account=self.account)


def _by(adv_days: int, base: date, close: date | None, today: date) -> date:
    by = _weekday(base + timedelta(days=adv_days))
    if close is not None and today < close < by:
        by = close
        while by.weekday() >= 5 and by > today + timedelta(days=1):
            by -= timedelta(days=1)  # a commitment due on a weekend is due the Friday
    return by


def _choice(
    pick: Pick, d: _Deal, find: FindWording, base: date, close: date | None
) -> AdvanceChoice:
    adv = pick.advance
    by = _by(adv.days, base, close, d.today)
    who = d.who(pick)
    fill = {**d.fill, "who": who, "by": say_date(by)}
    if pick.finds_role is not None:
        fill["role"] = d.wording.roles.get(pick.finds_role, pick.finds_role.replace("_", " "))
        text, subject, ask, goal = find.text, find.subject, find.ask, find.goal
    else:
        text, subject, ask, goal = adv.text, adv.subject or adv.text, adv.ask, adv.goal
    filled = _cap(text.format_map(fill))
    # said to the person the rep talks to: a role they hold themselves is "you"
    spoken = {**fill, **{r: "you" for r, n in d.holders.items() if n == who and r in fill}}
    return trusted(
        AdvanceChoice,
        text=filled,
        advance_id=adv.id,
        subject=_cap(subject.format_map(fill)),
        ask=_cap(ask.format_map(spoken)) if ask else filled,
        goal=goal.format_map(spoken) if goal else "on this: " + filled,
        who=who,
        by=by,
        finds_role=pick.finds_role,
    )


def _close_date_note(
    cp: CompiledPlaybook, plan: CallPlan, deal: Deal, d: _Deal, who: str
) -> str | None:
    close = deal.close_date
    if close is None:
        return None
    w = cp.playbook.wording.close_date
    fill = {**d.fill, "who": who, "by": "", "close": say_date(close)}
    if close < d.today:
        return w.past.format_map(fill)
    days = (close - d.today).days
    if plan.remaining and days < plan.remaining * cp.playbook.thresholds.days_per_essential:
        titles = ", ".join(t[:1].lower() + t[1:] for t in plan.remaining_titles)
        more = ", ..." if plan.remaining > len(plan.remaining_titles) else ""
        return w.too_soon.format_map(
            {**fill, "days": days, "count": plan.remaining, "open": titles + more}
        )
    return None


def coach(
    cp: CompiledPlaybook,
    plan: CallPlan,
    deal: Deal,
    activities: list[Activity],
    check: NextStepCheck,
    priority: float,
    now: datetime,
) -> tuple[CallObjective, Coaching, list[Explanation]]:
    """The filled call objective, the task's coaching fields, and any per-deal explanations."""
    pb = cp.playbook
    w, th = pb.wording, pb.thresholds
    today = now.date()
    d = _Deal(deal, w, today)
    meeting = next_meeting(activities, now)
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
    fill = {**d.fill, "who": who, "by": say_date(lead.by) if lead and lead.by else ""}
    # questions are said to the main contact: a role they hold is "you"
    spoken = {**fill, **{r: "you" for r, n in d.holders.items() if n == who and r in fill}}
    questions = tuple(q.format_map(spoken) if "{" in q else q for q in plan.agenda.questions)
    opening = _cap(w.opening.format_map({**fill, "goal": stretch.goal})) if stretch else ""
    close_line = stretch.ask if stretch else ""
    note = _close_date_note(cp, plan, deal, d, who)
    negatives = tuple(
        _cap(w.negative.format_map({**fill, "title": o.title}))
        for o in plan.agenda.items
        if o.id in plan.agenda.negatives
    )
    steps = [*negatives]
    if opening:
        steps.append(f'Open: "{opening}"')
    if deal.strategic_objective:
        steps.append(f"Tie it to the strategic objective: {deal.strategic_objective}")
    steps.extend(f'Ask: "{q}"' for q in questions)
    if stretch is not None:
        steps.append(f'Close: "{close_line}"')
    if conservative is not None:
        steps.append(f'If not: "{conservative.ask}"')
    call = trusted(
        CallObjective,
        learn=tuple([o.id for o in plan.agenda.items]),
        questions=questions,
        stretch=stretch,
        conservative=conservative,
        plan=tuple(steps),
        strategic_objective=deal.strategic_objective,
        opening=opening,
        close=close_line,
        negatives=plan.agenda.negatives,
        close_date_note=note,
        look_ahead=tuple([o.id for o in plan.agenda.look_ahead]),
    )
    urgency: Urgency = (
        "high"
        if priority >= th.high_priority
        else "low"
        if priority < th.low_priority
        else "normal"
    )
    days = th.due_business_days.get(urgency, 2)
    due = meeting if meeting is not None else _business_days(today, days)
    rewrite = conservative.text if conservative is not None else (lead.text if lead else "")
    verdict = w.verdicts.get(check.verdict.value, "").format_map({**fill, "rewrite": rewrite})
    b = w.body
    head = [b.first.format(note=n) for n in negatives]
    if opening:
        head.append(b.open.format(opening=opening))
    tail = [b.close.format(close=close_line)] if close_line else []
    if conservative is not None:
        tail.append(b.least.format(conservative=conservative.text))
    if note is not None:
        tail.append(b.watch.format(note=note))
    asks = [b.ask.format(question=q) for q in questions]
    # read in ten seconds: fewer questions rather than a longer task (at least one stays)
    fixed = sum(len(x.split()) for x in head + tail)
    while len(asks) > 1 and fixed + sum(len(x.split()) for x in asks) > th.task_words:
        asks.pop()
    body = head + asks + tail
    coaching = trusted(
        Coaching,
        body=tuple(body),
        subject=lead.subject if lead is not None else "",
        verdict=verdict,
        due=due,
        urgency=urgency,
        next_meeting=meeting,
    )
    why = []
    if note is not None:
        why.append(
            explanation(
                "close_date.unrealistic",
                {"close_date": str(close), "open_essentials": plan.remaining},
                note,
            )
        )
    return call, coaching, why
