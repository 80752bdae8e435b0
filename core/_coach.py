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
from nextadvance.core._playbook_model import Advance, Urgency
from nextadvance.core._repair import rewrite_for
from nextadvance.core._wording_model import (
    ROLE_PLACEHOLDERS,
    FindWording,
    SoloWording,
    Wording,
    placeholders,
)
from nextadvance.core.models import Activity, ActivityKind, Deal, Outcome

__all__ = ["coach"]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: who speaks for the deal when an advance names no actor, most useful first
_MAIN_ROLES = ("champion", "influencer", "decision_maker", "economic_buyer", "technical_buyer")
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


_HONORIFICS = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof."})
#: said dates and role-label tables are the same for many deals: small shared caches
_SAID: dict[date, str] = {}
_BASES: dict[int, tuple[Wording, dict[str, str]]] = {}


def _say(d: date) -> str:
    hit = _SAID.get(d)
    if hit is None:
        if len(_SAID) > 4096:
            _SAID.clear()
        hit = _SAID[d] = say_date(d)
    return hit


def _base(wording: Wording) -> dict[str, str]:
    """Role placeholders filled with their labels (per wording, built once)."""
    hit = _BASES.get(id(wording))
    if hit is None or hit[0] is not wording:
        roles = wording.roles
        base = {r: roles.get(r, r.replace("_", " ")) for r in ROLE_PLACEHOLDERS}
        hit = _BASES[id(wording)] = (wording, base)
    return hit[1]


_FIRST: dict[str, str | None] = {}


def _first_name(name: str) -> str | None:
    """The first name of a contact (honorific skipped); memoised, names recur in an org."""
    if name in _FIRST:
        return _FIRST[name]
    if len(_FIRST) >= _MEMO_LIMIT:
        _FIRST.clear()
    first = _FIRST[name] = _split_first(name)
    return first


def _split_first(name: str) -> str | None:
    parts = name.split()
    if parts and parts[0].casefold() in _HONORIFICS:
        parts = parts[1:]
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
    """Names and dates of one deal, for filling templates (one ``fill`` dict, reused)."""

    __slots__ = ("account", "fill", "holders", "main", "names", "said", "today", "wording")

    def __init__(
        self,
        deal: Deal,
        wording: Wording,
        today: date,
        stand_ins: dict[str, tuple[str, ...]],
    ) -> None:
        self.wording, self.today = wording, today
        holders: dict[str, str] = {}
        anyone: str | None = None
        names: list[str] = []
        for c in deal.contacts:
            first = _first_name(c.name)
            if first is None:
                continue
            names.append(first)
            if anyone is None:
                anyone = first
            role = c.role
            if role and role not in holders:
                holders[role] = first
        for role, subs in stand_ins.items():  # e.g. the economic buyer decides
            if role not in holders:
                sub = next((holders[r] for r in subs if r in holders), None)
                if sub is not None:
                    holders[role] = sub
        self.holders = holders
        # who else could act when the main contact is the person an advance names: role
        # holders first (contact order), then contacts without a role
        others = list(dict.fromkeys(holders.values()))
        self.names = tuple(others + [n for n in names if n not in others])
        main = anyone
        for r in _MAIN_ROLES:
            if r in holders:
                main = holders[r]
                break
        self.main = main
        self.account = deal.account.name or "the account"
        fill = _base(wording).copy()
        for r, n in holders.items():
            if r in fill:
                fill[r] = n
        fill["account"] = self.account
        self.fill = fill
        #: labels of the roles nobody holds, as said to the client ("your legal team")
        said = wording.roles_said
        self.said = {r: s for r, s in said.items() if r not in holders} if said else {}

    def who(self, pick: Pick | None) -> str:
        adv = pick.advance if pick else None
        if adv is not None and pick is not None and pick.finds_role is None:
            if adv.actor is not None and adv.actor in self.holders:
                return self.holders[adv.actor]
            named = _named(adv)[1]
            if named and self.main is not None:
                busy = {self.holders.get(r) for r in named}
                if self.main in busy:  # "Nora brings Nora": let someone else bring her
                    for n in self.names:
                        if n not in busy:
                            return n
        return self.main or self.wording.no_contact.format(account=self.account)

    def alone(self, adv: Advance, who: str) -> bool:
        """Whether ``adv``'s text would name ``who`` twice ("Bruno brings Bruno")."""
        uses_who, named = _named(adv)
        return uses_who and any(self.fill.get(r) == who for r in named)

    def spoken(self, who: str) -> dict[str, str]:
        """The fill for sentences said to ``who``: a role they hold themselves is "you",
        a role nobody holds takes its spoken label (``wording.roles_said``)."""
        own = [r for r, n in self.holders.items() if n == who and r in self.fill]
        if not own and not self.said:
            return self.fill
        out = self.fill.copy()
        out.update(self.said)
        for r in own:
            out[r] = "you"
        return out


_NAMED: dict[int, tuple[Advance, tuple[bool, tuple[str, ...]]]] = {}


def _named(adv: Advance) -> tuple[bool, tuple[str, ...]]:
    """Whether ``adv.text`` says ``{who}``, and the roles it or ``requires_roles`` name."""
    hit = _NAMED.get(id(adv))
    if hit is None or hit[0] is not adv:
        used = placeholders(adv.text)
        roles = dict.fromkeys([*adv.requires_roles, *(u for u in used if u in ROLE_PLACEHOLDERS)])
        if len(_NAMED) >= _MEMO_LIMIT:
            _NAMED.clear()
        hit = _NAMED[id(adv)] = (adv, ("who" in used, tuple(roles)))
    return hit[1]


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
    pick: Pick, d: _Deal, find: FindWording, base: date, close: date | None
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
    cp: CompiledPlaybook, plan: CallPlan, deal: Deal, d: _Deal, fill: dict[str, str]
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
    d = _Deal(deal, w, today, pb.role_stand_ins)
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
        by = rewrite.by if rewrite is not None else None
        fill["rewrite"] = rewrite_for(w, check, rewrite, fill, _say(by) if by else "")
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
