"""The seeded generator of an invented sales world: owners, companies, people, deals, history.

Deterministic: everything is drawn from one ``random.Random(seed)`` in a fixed order and all
times are relative to a fixed ``now`` (default :data:`DEFAULT_NOW`), so a seed means the same
world on every machine.  It favours speed over variety (shared template strings, few draws
per record) so 100,000 deals with a million activities take seconds, not minutes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from ._notes import NoteWriter
from ._vocab import (
    CLIENT_ACTIONS,
    DISCOVERY_LINES,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    MEETING_SUBJECTS,
    NAME_HEADS,
    NAME_TAILS,
    PAINS,
    ROLES,
    SELLER_ACTIONS,
    TITLES,
    VAGUE_STEPS,
)
from ._world import (
    NEUTRAL_OPEN_STAGES,
    ORGS,
    PIPELINES,
    WActivity,
    WCompany,
    WContact,
    WDeal,
    World,
    WOwner,
)

__all__ = ["DEFAULT_NOW", "generate"]

#: the fixed "today" of generated worlds unless a caller passes its own
DEFAULT_NOW = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)

_INDUSTRY_NAMES = tuple(INDUSTRIES)
_MONTHS = ("January", "March", "April", "June", "September", "October", "December")
_WON = NEUTRAL_OPEN_STAGES
_LOST = NEUTRAL_OPEN_STAGES + 1
_SIZES = (5, 12, 30, 80, 200, 500, 1200, 3000, 8000, 20000)


def _short(title: str) -> str:
    """CFO for Chief Financial Officer, else the title's first word ('VP', 'Director')."""
    if title.startswith("Chief "):
        return "C" + "".join(w[0] for w in title.split()[1:])
    return title.split()[0]


class _Gen:
    """One generation run; methods share the random stream and the lists being filled."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.r = random.Random(seed)
        self.now = now
        self.world = World(seed=seed, now=now)
        self.industries: dict[str, str] = {}
        self.notes = NoteWriter(seed, now, self.industries)

    def owners(self, n: int) -> None:
        r = self.r
        zones = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London")
        for i in range(n):
            first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
            email = f"{first.lower()}.{last.lower()}{i}@example-seller.test"
            self.world.owners.append(WOwner(f"ow{i:04d}", first, last, email, zones[i % 4]))

    def companies(self, n: int) -> None:
        r, seen = self.r, set()
        owners = self.world.owners
        for i in range(n):
            industry = r.choice(_INDUSTRY_NAMES)
            name = f"{r.choice(NAME_HEADS)}{r.choice(NAME_TAILS)} {r.choice(INDUSTRIES[industry])}"
            if name in seen:
                name = f"{name} {i}"
            seen.add(name)
            self.industries[f"co{i:06d}"] = industry
            size = _SIZES[min(len(_SIZES) - 1, int(r.expovariate(0.45)))]
            employees = max(5, min(20000, int(size * (0.6 + 0.8 * r.random()))))
            domain = name.lower().replace(" ", "") + ".example"
            co = WCompany(f"co{i:06d}", name, industry, employees, domain, r.choice(owners).key)
            self.world.companies.append(co)
            self.contacts(co)

    def contacts(self, co: WCompany) -> None:
        r = self.r
        count = 2 + int(r.random() * 4) + (1 if co.employees > 1000 else 0)
        base = len(self.world.contacts)
        for j in range(count):
            first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
            title = TITLES[r.randrange(len(TITLES))][0] if j else r.choice(TITLES[:4])[0]
            email = f"{first.lower()}.{last.lower()}@{co.domain}"
            self.world.contacts.append(
                WContact(f"ct{base + j:07d}", co.key, first, last, title, email)
            )

    def deals(self, n: int) -> None:
        r, now = self.r, self.now
        companies = self.world.companies
        # contacts are appended per company in order: index them by company position
        by_company: dict[str, list[WContact]] = {}
        for ct in self.world.contacts:
            by_company.setdefault(ct.company_key, []).append(ct)
        for i in range(n):
            co = companies[i if i < len(companies) else r.randrange(len(companies))]
            people = by_company[co.key]
            self.deal(i, co, people, r, now)

    def deal(
        self, i: int, co: WCompany, people: list[WContact], r: random.Random, now: datetime
    ) -> None:
        roll = r.random()
        if roll < 0.14:
            stage = _WON
        elif roll < 0.28:
            stage = _LOST
        else:
            stage = min(NEUTRAL_OPEN_STAGES - 1, int(r.expovariate(0.7)))
        pipeline = PIPELINES[1] if r.random() < 0.2 else PIPELINES[0]
        age_days = 10 + int(r.random() * 360)
        created = now - timedelta(days=age_days, minutes=int(r.random() * 1440))
        closed = stage >= _WON
        if closed:
            close_date = (created + timedelta(days=int(age_days * (0.3 + 0.7 * r.random())))).date()
        else:
            close_date = (now + timedelta(days=int(r.random() * 140) - 25)).date()
        amount = round(max(1500.0, co.employees * (20 + 180 * r.random())), -2)
        champion = people[min(len(people) - 1, 1 + int(r.random() * (len(people) - 1)))]
        roles: dict[str, str] = {}
        for ct in people[: 1 + int(r.random() * len(people))]:
            roles[ct.key] = r.choice(ROLES)
        name = f"{co.name} - {r.choice(('Platform', 'Expansion', 'Pilot', 'Renewal', 'Rollout'))}"
        deal = WDeal(
            key=f"dl{i:06d}",
            name=name,
            company_key=co.key,
            owner_key=co.owner_key,
            pipeline=pipeline,
            stage_index=stage,
            amount=amount,
            close_date=close_date,
            created_at=created,
            modified_at=created,
            next_step=self.next_step(champion, people[0], r, now) if not closed else None,
            description=f"Pain: {r.choice(PAINS)}." if r.random() < 0.5 else None,
            roles=roles,
            budget_confirmed=(stage >= 2 and r.random() < 0.6) if r.random() < 0.5 else None,
            decision_date=close_date if r.random() < 0.3 else None,
            pain=r.choice(PAINS) if r.random() < 0.4 else None,
        )
        self.world.deals.append(deal)
        end = min(now, datetime.combine(close_date, datetime.min.time(), UTC)) if closed else now
        last = self.history(deal, people, champion, r, created, end, closed)
        deal.modified_at = max(last, created)

    def next_step(
        self, champion: WContact, boss: WContact, r: random.Random, now: datetime
    ) -> str | None:
        roll = r.random()
        if roll < 0.2:
            return None
        if roll < 0.5:
            return r.choice(VAGUE_STEPS)
        if roll < 0.75:
            return r.choice(SELLER_ACTIONS)
        due = (now + timedelta(days=3 + int(r.random() * 20))).date()
        return r.choice(CLIENT_ACTIONS).format(
            first=champion.first_name,
            short=_short(champion.title),
            boss=_short(boss.title),
            date=f"{due.month}/{due.day}",
        )

    def history(
        self,
        deal: WDeal,
        people: list[WContact],
        champion: WContact,
        r: random.Random,
        start: datetime,
        end: datetime,
        closed: bool,
    ) -> datetime:
        count = (
            3 + deal.stage_index * 2 + int(r.random() * 9)
            if deal.stage_index < _WON
            else 6 + int(r.random() * 10)
        )
        span = max(60.0, (end - start).total_seconds())
        acts = self.world.activities
        base = len(acts)
        times = sorted(start + timedelta(seconds=r.random() * span) for _ in range(count))
        owner = deal.owner_key
        last = start
        for n, at in enumerate(times):
            key = f"ac{base + n:08d}"
            who = people[int(r.random() * len(people))]
            kind_roll = r.random()
            contacts = [who.key]
            if kind_roll < 0.35:
                act = WActivity(
                    key,
                    deal.key,
                    "email",
                    at,
                    f"Re: {deal.name}",
                    f"Email thread with {who.first_name}.",
                    "completed",
                    owner,
                    contacts,
                    "outbound" if r.random() < 0.7 else "inbound",
                )
            elif kind_roll < 0.6:
                disp = ("connected", "no_answer", "left_voicemail", "connected", "busy")[
                    int(r.random() * 5)
                ]
                body = self.discovery(r, who, deal, at) if disp == "connected" else "No answer."
                act = WActivity(
                    key,
                    deal.key,
                    "call",
                    at,
                    f"Call with {who.first_name}",
                    body,
                    "completed",
                    owner,
                    contacts,
                    "outbound",
                    disp,
                    None,
                    5 + int(r.random() * 40) if disp == "connected" else 1,
                )
            elif kind_roll < 0.78:
                o = r.random()
                outcome = (
                    "completed"
                    if o < 0.62
                    else "no_show"
                    if o < 0.7
                    else "canceled"
                    if o < 0.78
                    else "rescheduled"
                    if o < 0.86
                    else "unknown"
                )
                body = (
                    self.discovery(r, champion, deal, at, meeting=True)
                    if outcome == "completed"
                    else ""
                )
                act = WActivity(
                    key,
                    deal.key,
                    "meeting",
                    at,
                    r.choice(MEETING_SUBJECTS),
                    body,
                    outcome,
                    owner,
                    [who.key, champion.key] if who is not champion else contacts,
                    None,
                    None,
                    None,
                    (30, 45, 60)[int(r.random() * 3)],
                )
            elif kind_roll < 0.9:
                act = WActivity(
                    key,
                    deal.key,
                    "note",
                    at,
                    "Note",
                    self.discovery(r, champion, deal, at),
                    "completed",
                    owner,
                    contacts,
                )
            else:
                done = r.random() < 0.7
                act = WActivity(
                    key,
                    deal.key,
                    "task",
                    at,
                    r.choice(SELLER_ACTIONS),
                    "",
                    "completed" if done else "scheduled",
                    owner,
                    contacts,
                    None,
                    None,
                    "completed" if done else "not_started",
                )
            acts.append(act)
            last = at
        if not closed and r.random() < 0.35:
            at = self.now + timedelta(days=1 + int(r.random() * 14), hours=int(r.random() * 8))
            acts.append(
                WActivity(
                    f"ac{len(acts):08d}",
                    deal.key,
                    "meeting",
                    at,
                    r.choice(MEETING_SUBJECTS),
                    "",
                    "scheduled",
                    owner,
                    [champion.key],
                    None,
                    None,
                    None,
                    30,
                )
            )
        return last

    def discovery(
        self, r: random.Random, who: WContact, deal: WDeal, at: datetime, meeting: bool = False
    ) -> str:
        lines = [f"Spoke with {who.first_name} {who.last_name} ({who.title})."]
        for _ in range(int(r.random() * 3)):
            lines.append(
                r.choice(DISCOVERY_LINES).format(
                    first=who.first_name,
                    title=r.choice(TITLES)[0],
                    amount=f"${int(deal.amount):,}",
                    pain=r.choice(PAINS),
                    month=r.choice(_MONTHS),
                )
            )
        step = None
        if r.random() < 0.5:
            step = "Next step: " + (
                r.choice(VAGUE_STEPS) if r.random() < 0.5 else r.choice(SELLER_ACTIONS).lower()
            )
        extra = self.notes.extra(deal, who, at, meeting)
        if extra:
            lines.append(extra)
        if step:
            lines.append(step + ".")
        return " ".join(dict.fromkeys(lines))  # a line said twice is written once


def generate(deals: int, seed: int = 0, now: datetime | None = None, org: str = "stock") -> World:
    """Invent a world with ``deals`` deals (about 10 activities each) from ``seed``.

    ``org="messy"`` layers the shapes of a real org on top (``_messy.py``); the stock world
    of a seed is the same either way until that pass runs.
    """
    if org not in ORGS:
        raise ValueError(f"org must be one of {', '.join(ORGS)}, not {org!r}")
    gen = _Gen(seed, now or DEFAULT_NOW)
    gen.owners(min(200, max(4, deals // 25)))
    gen.companies(max(1, int(deals * 0.6)))
    gen.deals(deals)
    if org == "messy":
        from ._messy import messify

        messify(gen.world)
    return gen.world
