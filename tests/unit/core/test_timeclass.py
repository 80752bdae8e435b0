"""``time_class``: two instants of one class get one decision and one write-back.

A sync reuses the decision (and rendered write-back) made at ``now1`` at ``now2`` when
``time_class(deal, now1) == time_class(deal, now2)`` (core/_timeclass.py).  These tests check
that claim on generated deals (``benchmarks._gen``) dressed with what makes time matter:
activities hours from now (booked meetings ahead, calls just held, all-day tasks), close
dates and parking today or tomorrow, a stage entered about its stall threshold ago, owners in
zones with half-hour, 45-minute and DST offsets, instants about DST changes and New Year.
The only outputs allowed to differ are ``now`` itself: ``Decision.decided_at``, the
``last_evaluated`` field and the coach payload's ``decided_at`` (which the planner ignores,
``mappings/_coach_text.coach_signature``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks._gen import deals
from nextadvance.core import Decision, Playbook, decide, time_class
from nextadvance.core.models import Activity, ActivityKind, Deal, Outcome
from nextadvance.mappings import (
    default_mapping_path,
    load_mapping,
    load_playbook,
    render_writeback,
)
from nextadvance.mappings._coach import build_coach
from nextadvance.mappings._coach_text import coach_signature
from nextadvance.mappings._model import Mapping
from nextadvance.mappings._writeback import WritebackPlan, written_outputs
from nextadvance.mappings._writeback_keep import restamp

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
LA = ZoneInfo("America/Los_Angeles")
ZONES: tuple[tzinfo, ...] = (
    UTC,
    LA,
    ZoneInfo("Asia/Kolkata"),  # +05:30
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("Australia/Lord_Howe"),  # a half-hour DST change
    ZoneInfo("Asia/Kathmandu"),  # +05:45
    ZoneInfo("America/St_Johns"),  # -03:30 / -02:30
    ZoneInfo("Pacific/Chatham"),  # +12:45 / +13:45: the owner's day is often UTC's next
    timezone(timedelta(hours=-3)),  # a fixed offset, no zone name
)
#: the instants deals are generated about (odd minutes): an ordinary day, DST ends in the
#: US (1 Nov 2026, 09:00 UTC) and EU (25 Oct 2026, 01:00 UTC), DST starts in the US
#: (14 Mar 2027, 10:00 UTC), Lord Howe's half hour (4 Apr 2027, 15:00 UTC), New Year
ANCHORS = (
    datetime(2026, 11, 23, 14, 37, tzinfo=UTC),
    datetime(2026, 11, 1, 9, 17, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 51, tzinfo=UTC),
    datetime(2027, 3, 14, 9, 43, tzinfo=UTC),
    datetime(2027, 4, 3, 15, 29, tzinfo=UTC),
    datetime(2026, 12, 31, 22, 5, tzinfo=UTC),
)
DEALS_PER_ANCHOR = 60
SEED = 20261123
BODIES = (
    "Quick check-in, nothing new. Will follow up.",
    "They agreed to a pilot with the field team; champion confirmed the date.",
    "Met the CFO, approval process goes through the steering committee.",
    "Demo booked with their architects.",
    "",
)
NEXT_STEPS = (
    "Person 0 to sign order form by {md}",
    "Person 1 (CFO) to review pricing {md}",
    "Call with Person 0 and her VP {md}",
    "{name} to intro us to the CFO on {mon} {day}",
)


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


MAPS = tuple(load_mapping(default_mapping_path(crm)) for crm in ("salesforce", "hubspot"))


@pytest.fixture(scope="module")
def mappings() -> tuple[Mapping, ...]:
    return MAPS


# -- deals dressed for time --------------------------------------------------------------


def _near(anchor: datetime, rng: random.Random, hours: int) -> datetime:
    """An instant within ``hours`` of ``anchor``, to the minute."""
    return anchor + timedelta(minutes=rng.randint(-hours * 60, hours * 60))


def _dress(deal: Deal, rng: random.Random, anchor: datetime, pb: Playbook) -> tuple[Deal, tzinfo]:
    """``deal`` with datetimes about ``anchor`` and an owner zone."""
    shifting = [z for z in ZONES if _shift(z, anchor) is not None]
    zone = rng.choice(shifting if shifting and rng.random() < 0.5 else ZONES)
    local = anchor.astimezone(zone).date()
    cids = [c.id for c in deal.contacts]
    shift = _shift(zone, anchor)
    extra = []
    for k in range(rng.randint(0, 4)):
        at = _near(anchor, rng, 48)
        if shift is not None and rng.random() < 0.5:
            at = _near(shift, rng, 2)  # about the owner's DST change (in its doubled hour)
        all_day = rng.random() < 0.15
        if all_day:  # a Salesforce ActivityDate: that day's midnight UTC
            at = datetime.combine(at.date(), time(), UTC)
        elif isinstance(zone, ZoneInfo) and rng.random() < 0.4:
            # given in the owner's own zone (fold set by astimezone); the model pins it to
            # its offset then (core/models.fixed_offset), as an API caller's would be
            at = at.astimezone(zone)
        extra.append(
            Activity(
                id=f"{deal.id}-x{k}",
                kind=rng.choice([ActivityKind.meeting, ActivityKind.call, ActivityKind.email]),
                at=at,
                subject="Call notes",
                body=rng.choice(BODIES),
                outcome=rng.choice(
                    [Outcome.scheduled, Outcome.scheduled, Outcome.completed, Outcome.unknown]
                ),
                contact_ids=tuple(rng.sample(cids, k=min(len(cids), rng.randint(0, 2)))),
                all_day=all_day,
            )
        )
    update: dict[str, Any] = {
        "activities": deal.activities + tuple(extra),
        "owner_timezone": getattr(zone, "key", None),
    }
    if rng.random() < 0.5:
        update["close_date"] = local + timedelta(days=rng.randint(-1, 2))
    if rng.random() < 0.15:
        update["parked_until"] = local + timedelta(days=rng.randint(0, 1))
    if rng.random() < 0.5:  # entered about the stage's stall threshold ago
        stall = pb.compiled.stage(deal.stage).stall_days
        entered = _near(anchor - timedelta(days=stall + rng.randint(0, 1)), rng, 30)
        update["stage_entered_at"] = entered
        update["created_at"] = min(deal.created_at, entered - DAY)
    if rng.random() < 0.3:
        update["modified_at"] = _near(anchor, rng, 30)
    if rng.random() < 0.4 and deal.contacts:
        c = deal.contacts[-1]
        role = c.role or "champion"
        added = c.model_copy(update={"added_at": _near(anchor, rng, 30), "role": role})
        update["contacts"] = (*deal.contacts[:-1], added)
    if rng.random() < 0.3:
        update["fields"] = {**deal.fields, "last_touch": _near(anchor, rng, 30)}
    if rng.random() < 0.4:
        due = local + timedelta(days=rng.randint(-1, 1))
        update["next_step"] = rng.choice(NEXT_STEPS).format(
            md=f"{due.month}/{due.day}",
            mon=due.strftime("%b"),
            day=due.day,
            name=rng.choice(["Jane", "Person 0"]),
        )
    return deal.model_copy(update=update), zone


@cache
def _shift(zone: tzinfo, anchor: datetime) -> datetime | None:
    """The instant ``zone``'s offset changes within two days of ``anchor``, if it does."""
    changes = [
        b
        for b in _offset_changes(zone, anchor - 2 * DAY, anchor + 2 * DAY)
        if abs(b - anchor) <= 2 * DAY
    ]
    return changes[0] if changes else None


@dataclass(frozen=True)
class Case:
    deal: Deal
    zone: tzinfo
    anchor: datetime


def _cases(pb: Playbook, seed: int) -> list[Case]:
    rng = random.Random(seed)
    out = []
    for i, anchor in enumerate(ANCHORS):
        for deal in deals(DEALS_PER_ANCHOR, seed=seed * 31 + i, now=anchor):
            dressed, zone = _dress(deal, rng, anchor, pb)
            out.append(Case(dressed, zone, anchor))
    return out


# -- where the class can change ------------------------------------------------------------


def _datetimes(deal: Deal) -> Iterator[datetime]:
    yield deal.created_at
    for at in (deal.modified_at, deal.stage_entered_at):
        if at is not None:
            yield at
    for a in deal.activities:
        yield a.at
    for c in deal.contacts:
        if c.added_at is not None:
            yield c.added_at
    for value in deal.fields.values():
        if isinstance(value, datetime):
            yield value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _boundaries(deal: Deal, zone: tzinfo, lo: datetime, hi: datetime) -> list[datetime]:
    """Instants in [lo, hi] (UTC) where something ``time_class`` reads may change: whole
    days after each datetime of the deal, local and UTC midnights, offset changes."""
    out: set[datetime] = set()
    for x in _datetimes(deal):
        x = x.astimezone(UTC)
        k = (lo - x) // DAY
        while x + k * DAY <= hi:
            if x + k * DAY >= lo:
                out.add(x + k * DAY)
            k += 1
    day = lo.astimezone(zone).date() - DAY
    while day <= hi.astimezone(zone).date() + DAY:
        for z in (zone, UTC):
            out.add(datetime.combine(day, time(), z).astimezone(UTC))
        day += DAY
    out.update(_offset_changes(zone, lo, hi))
    return sorted(b for b in out if lo <= b <= hi)


def _offset_changes(zone: tzinfo, lo: datetime, hi: datetime) -> list[datetime]:
    """The instants in [lo, hi) where ``zone``'s UTC offset changes (to the minute)."""
    out = []
    t = lo - timedelta(seconds=lo.second, microseconds=lo.microsecond)
    while t < hi:
        u = t + timedelta(hours=1)
        if t.astimezone(zone).utcoffset() != u.astimezone(zone).utcoffset():
            a, b = t, u  # a before the change, b at or after it: halve to the minute
            while b - a > MINUTE:
                m = a + ((b - a) // MINUTE // 2) * MINUTE
                if m.astimezone(zone).utcoffset() == a.astimezone(zone).utcoffset():
                    a = m
                else:
                    b = m
            out.append(b)
        t = u
    return out


def _twin(at: datetime, zone: tzinfo) -> datetime | None:
    """The instant (UTC) at ``at``'s wall clock in ``zone`` on the hour's other pass, when
    ``zone`` repeats (or skips) that hour; else None."""
    if not isinstance(zone, ZoneInfo):
        return None
    wall = at.astimezone(zone)
    twin = wall.replace(fold=1 - wall.fold).astimezone(UTC)
    return twin if twin != at.astimezone(UTC) else None


def _partners(case: Case, now1: datetime, rng: random.Random) -> list[datetime]:
    """Instants ``now2`` within 40 hours of ``now1``: random minutes, and each side of every
    place the class may change (the last minute and microsecond before it, and it)."""
    lo, hi = now1 - 40 * 60 * MINUTE, now1 + 40 * 60 * MINUTE
    out = {now1 + timedelta(minutes=rng.randint(-40 * 60, 40 * 60)) for _ in range(24)}
    out |= {now1 + timedelta(minutes=rng.randint(-120, 120)) for _ in range(8)}
    for b in _boundaries(case.deal, case.zone, lo, hi):
        out |= {b - MINUTE, b - timedelta(microseconds=1), b}
    for a in case.deal.activities:  # the other pass of a repeated hour, same wall clock
        twin = _twin(a.at, case.zone)
        if twin is not None:
            out |= {twin - MINUTE, twin, twin + MINUTE}
    out.discard(now1)
    return sorted(t for t in out if lo <= t <= hi)


# -- what must not change ------------------------------------------------------------------


def _decision(d: Decision) -> str:
    """The decision but ``decided_at``, as JSON: offsets written out, so two datetimes of one
    zone a repeated hour apart differ (``==`` on them compares wall clocks)."""
    return d.model_dump_json(exclude={"decided_at"})


def _plan(plan: WritebackPlan, mapping: Mapping, now: datetime) -> tuple[Any, ...]:
    """``plan`` without what is ``now`` itself: ``last_evaluated``, the coach's ``decided_at``."""
    fields = dict(plan.deal_fields)
    for output, spec, _kind in written_outputs(mapping):
        if output == "last_evaluated":
            assert fields.pop(spec.field) == now.astimezone(UTC).replace(microsecond=0)
        elif output == "coach" and isinstance(fields.get(spec.field), str):
            # the payload's one ``now`` (which second it says: see the repeated-hour test below)
            assert '"decided_at":"' in fields[spec.field]
            fields[spec.field] = coach_signature(fields[spec.field])
    return plan.deal_id, plan.deal_object, fields, plan.task


@dataclass
class Seen:
    """What one instant gave: the class, the decision and each mapping's write-back."""

    cls: tuple[Any, ...]
    decision: str
    plans: tuple[tuple[Any, ...], ...]
    #: the write-backs as rendered, and the instant they were rendered at
    raw: tuple[WritebackPlan, ...]
    now: datetime


def _at(case: Case, pb: Playbook, maps: tuple[Mapping, ...], now: datetime) -> Seen:
    local = now.astimezone(case.zone)
    d = decide(case.deal, pb, local)
    titles = {s.key: s.title for s in pb.stages if s.title}  # as sync/run/_run.py
    raw = tuple(render_writeback(m, case.deal, d, local, titles, pb) for m in maps)
    return Seen(
        time_class(case.deal, local),
        _decision(d),
        tuple(_plan(p, m, local) for p, m in zip(raw, maps, strict=True)),
        raw,
        local,
    )


def _diff(a: Any, b: Any, path: str = "") -> str:
    """Where two dumps first differ, for the failure message."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a.keys() | b.keys():
            if a.get(k) != b.get(k):
                return _diff(a.get(k), b.get(k), f"{path}.{k}")
    if isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _diff(x, y, f"{path}[{i}]")
    return f"{path}: {a!r} != {b!r}"


def _same(case: Case, one: Seen, two: Seen, t1: datetime, t2: datetime) -> None:
    where = f"deal {case.deal.id} in {case.zone}: {t1.isoformat()} vs {t2.isoformat()}"
    if one.decision != two.decision:
        diff = _diff(json.loads(one.decision), json.loads(two.decision))
        raise AssertionError(f"{where}: {diff}")
    assert one.plans == two.plans, where
    # what a sync does with a kept write-back (mappings/_writeback_keep.restamp)
    for plan, again, m in zip(one.raw, two.raw, MAPS, strict=True):
        assert restamp(plan, m, two.now) == again, where


def _check(case: Case, pb: Playbook, maps: tuple[Mapping, ...], t1: datetime, t2: datetime) -> None:
    one, two = _at(case, pb, maps, t1), _at(case, pb, maps, t2)
    assert one.cls == two.cls
    _same(case, one, two, t1, t2)


def test_same_class_same_decision_and_writeback(
    playbook: Playbook, mappings: tuple[Mapping, ...]
) -> None:
    """Thousands of pairs of instants of one class, up to 40 hours apart, many a minute
    (or a microsecond) from where the class changes: one decision, one write-back."""
    rng = random.Random(SEED)
    same = spread = zoned = changed = utc_days = 0
    for case in _cases(playbook, seed=SEED % 1000):
        shift = _shift(case.zone, case.anchor)
        for _ in range(3):
            roll = rng.random()
            now1 = (
                _near(shift, rng, 2)
                if shift is not None and roll < 0.4
                else _near(case.anchor, rng, 36)
                if roll < 0.7
                else _near(case.anchor, rng, 3)
            )
            first = time_class(case.deal, now1.astimezone(case.zone))
            twins, others = [], []
            for t in _partners(case, now1, rng):
                if time_class(case.deal, t.astimezone(case.zone)) == first:
                    twins.append(t)
                else:
                    others.append(t)
            one = _at(case, playbook, mappings, now1)
            assert one.cls == first
            # the farthest twins each way (the edges of the class) and one at random
            picks = set(twins[:1] + twins[-1:])
            if twins:
                picks.add(rng.choice(twins))
            for now2 in sorted(picks):
                _same(case, one, _at(case, playbook, mappings, now2), now1, now2)
                same += 1
                spread += abs(now2 - now1) >= timedelta(hours=1)
                zoned += case.zone is not UTC
                utc_days += now1.astimezone(UTC).date() != now2.astimezone(UTC).date()
            if others:  # the class changed: count how often the decision did too
                changed += (
                    one.decision != _at(case, playbook, mappings, rng.choice(others)).decision
                )
    # not vacuous: many same-class pairs, many an hour or more apart, most in other zones,
    # and the class is no constant (changing it changed decisions)
    assert same >= 2_000, same
    assert spread >= same // 3, (spread, same)
    assert zoned >= same // 2, (zoned, same)
    assert changed >= 300, changed
    # the UTC day is not in the class (the owner's is): pairs across UTC midnight, checked
    assert utc_days >= 60, utc_days


def test_the_repeated_hour_probes_have_activities_to_probe(playbook: Playbook) -> None:
    """``_partners`` probes the other pass of each activity in an hour the owner's zone
    repeats; the generated cases must hold such activities, or that probe is dead."""
    cases = _cases(playbook, seed=SEED % 1000)
    found = sum(_twin(a.at, c.zone) is not None for c in cases for a in c.deal.activities)
    assert found >= 20, found


def test_utc_midnight_alone_changes_nothing(
    playbook: Playbook, mappings: tuple[Mapping, ...]
) -> None:
    """A minute each side of the UTC midnights about each anchor: where the owner's day,
    the offset and every whole-days count stay put, one decision and one write-back (the UTC
    day is not in the class; ``typed_value``'s UTC dates are of the deal's datetimes, and
    ``now``'s own are re-stamped)."""
    checked = 0
    for case in _cases(playbook, seed=SEED % 1000 + 1)[::3]:
        midnight = datetime.combine(case.anchor.date(), time(), UTC)
        for k in (-1, 0, 1):
            t1, t2 = midnight + k * DAY - MINUTE, midnight + k * DAY + MINUTE
            if time_class(case.deal, t1.astimezone(case.zone)) == time_class(
                case.deal, t2.astimezone(case.zone)
            ):
                _check(case, playbook, mappings, t1, t2)
                checked += 1
    assert checked >= 100, checked


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    index=st.integers(0, len(ANCHORS) * DEALS_PER_ANCHOR - 1),
    start=st.integers(-36 * 60, 36 * 60),
    where=st.floats(0, 1),
)
def test_anywhere_in_a_class(
    playbook: Playbook,
    mappings: tuple[Mapping, ...],
    index: int,
    start: int,
    where: float,
) -> None:
    """Any instant of ``now1``'s class (between the changes about it) decides as ``now1``."""
    case = _pooled(playbook)[index]
    now1 = case.anchor + timedelta(minutes=start)
    bounds = _boundaries(case.deal, case.zone, now1 - 40 * 60 * MINUTE, now1 + 40 * 60 * MINUTE)
    lo = max((b for b in bounds if b <= now1), default=now1)
    hi = min((b for b in bounds if b > now1), default=now1 + MINUTE)
    now2 = lo + (hi - lo - timedelta(microseconds=1)) * where
    if time_class(case.deal, now2.astimezone(case.zone)) != time_class(
        case.deal, now1.astimezone(case.zone)
    ):
        return  # a change the enumeration missed is only a coarser class, never wrong
    _check(case, playbook, mappings, now1, now2)


_POOL: list[Case] = []


def _pooled(pb: Playbook) -> list[Case]:
    if not _POOL:
        _POOL.extend(_cases(pb, seed=11))
    return _POOL


# -- the class is no constant -----------------------------------------------------------------

NORA = {"id": "c1", "name": "Nora Diaz", "role": "champion"}


def test_a_stall_flips_within_a_day_and_so_does_the_class(playbook: Playbook) -> None:
    """Entered the stage 30 days and 23:59 ago, then 31 days ago: the same owner day, but a
    stall (discovery's ``stall_days`` is 30) and another class."""
    entered = datetime(2026, 10, 24, 10, 0, tzinfo=UTC)
    deal = Deal.model_validate(
        {
            "id": "D-stall",
            "stage": "discovery",
            "created_at": entered - 3 * DAY,
            "stage_entered_at": entered,
            "contacts": [NORA],
        }
    )
    assert playbook.compiled.stage("discovery").stall_days == 30
    now1 = (entered + 31 * DAY - MINUTE).astimezone(LA)
    now2 = (entered + 31 * DAY).astimezone(LA)
    assert now1.date() == now2.date() and now1.utcoffset() == now2.utcoffset()
    assert time_class(deal, now1) != time_class(deal, now2)
    one, two = decide(deal, playbook, now1), decide(deal, playbook, now2)
    assert not one.momentum.stalled and two.momentum.stalled


def _booked(deal_id: str, at: datetime, created: datetime) -> Deal:
    """A discovery deal with one meeting booked with Nora at ``at``."""
    meeting = {
        "id": "m1",
        "kind": "meeting",
        "at": at,
        "outcome": "scheduled",
        "contact_ids": ["c1"],
    }
    return Deal.model_validate(
        {
            "id": deal_id,
            "stage": "discovery",
            "created_at": created,
            "contacts": [NORA],
            "activities": [meeting],
        }
    )


def test_a_booked_meeting_becomes_held_within_a_day_and_so_does_the_class(
    playbook: Playbook,
) -> None:
    """A call booked for 15:00 UTC: due that day while ahead, no meeting once it has begun."""
    call = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    deal = _booked("D-call", call, created=datetime(2026, 11, 20, tzinfo=UTC))
    kolkata = ZoneInfo("Asia/Kolkata")
    before, after = (call - MINUTE).astimezone(kolkata), (call + MINUTE).astimezone(kolkata)
    assert before.date() == after.date()
    assert time_class(deal, before) != time_class(deal, after)
    one, two = decide(deal, playbook, before), decide(deal, playbook, after)
    assert one.coaching.next_meeting == date(2026, 12, 8) and two.coaching.next_meeting is None
    assert one.coaching.due != two.coaching.due


def test_a_meeting_in_the_owners_zone_across_the_fall_back_hour(playbook: Playbook) -> None:
    """A meeting at 01:30 PDT (fold 0) and ``now`` at 01:10 and 01:40 PST (fold 1), all in
    Los Angeles: Python compares datetimes of one tzinfo by wall clock, fold ignored, so
    ``decide`` once read the meeting as still booked at 01:10 PST (09:10 UTC, after the
    meeting's 08:30 UTC) and held at 01:40.  It compares by instant now: held at both, one
    class, one decision."""
    at = datetime(2026, 11, 1, 1, 30, tzinfo=LA)
    deal = _booked("D-fold", at, created=datetime(2026, 10, 1, tzinfo=UTC))
    now1 = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=LA)
    now2 = datetime(2026, 11, 1, 1, 40, fold=1, tzinfo=LA)
    assert at.astimezone(UTC) < now1.astimezone(UTC) < now2.astimezone(UTC)
    one, two = decide(deal, playbook, now1), decide(deal, playbook, now2)
    assert one.coaching.next_meeting is None and two.coaching.next_meeting is None
    assert one.model_dump(exclude={"decided_at"}) == two.model_dump(exclude={"decided_at"})
    assert time_class(deal, now1) == time_class(deal, now2)


def test_the_coach_says_the_second_it_was_decided_in_the_repeated_hour(
    playbook: Playbook,
) -> None:
    """02:00 CEST and 02:00 CET on 25 Oct 2026 in Berlin are 00:00 and 01:00 UTC."""
    berlin = ZoneInfo("Europe/Berlin")
    deal = Deal.model_validate(
        {"id": "D-dst", "stage": "discovery", "created_at": "2026-10-01T09:00:00Z"}
    )
    said = []
    for hour in (0, 1):
        now = datetime(2026, 10, 25, hour, 0, tzinfo=UTC).astimezone(berlin)
        said.append(build_coach(decide(deal, playbook, now))["decided_at"])
    assert said == ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z"]
