"""Meetings booked per rep per week and calls per meeting booked."""

from __future__ import annotations

from datetime import UTC, date

from nextadvance.core.measures import period_between, productivity

TWO_WEEKS = period_between(date(2026, 11, 9), date(2026, 11, 22), UTC)  # W46, W47


def test_meetings_per_week_and_calls_per_meeting_by_hand(b) -> None:
    """A reschedule chain counts once; canceled and future meetings were still booked."""
    acts = (
        b.act("m1", "meeting", "2026-11-10T10:00", "rescheduled"),
        b.act("m2", "meeting", "2026-11-17T10:00", "completed"),
        b.act("m3", "meeting", "2026-11-11T10:00", "canceled"),
        b.act("m4", "meeting", "2026-11-20T10:00", "scheduled"),
        *(b.act(f"c{i}", "call", f"2026-11-1{i}T08:00", "no_show") for i in range(5)),
        b.act("c8", "call", "2026-11-08T10:00"),  # before the period
        b.act("c9", "call", "2026-11-19T10:00", "scheduled"),  # after now
    )
    p = productivity([b.deal("d1", activities=acts)], TWO_WEEKS, b.ts("2026-11-18T00:00"))
    alice = p.by_rep["alice"]
    assert p.weeks == ("2026-W46", "2026-W47")
    assert alice.meetings_by_week == {"2026-W46": 1, "2026-W47": 2}
    assert alice.meetings_per_week == 1.5
    assert alice.calls == 5
    assert (alice.calls_per_meeting.numerator, alice.calls_per_meeting.denominator) == (5, 3)


def test_calls_without_meetings_have_no_ratio_and_teams_merge(b) -> None:
    """A rep with calls but no meeting has an undefined ratio; the team sums its reps."""
    d1 = b.deal("d1", owner="alice", activities=(b.act("c1", "call", "2026-11-10T10:00"),))
    d2 = b.deal("d2", owner="bob", activities=(b.act("m1", "meeting", "2026-11-10T10:00"),))
    p = productivity(
        [d1, d2], TWO_WEEKS, b.ts("2026-12-01T00:00"), teams={"alice": "t", "bob": "t"}
    )
    assert p.by_rep["alice"].calls_per_meeting.value is None
    assert p.by_team["t"].calls_per_meeting.value == 1.0
    assert p.total.meetings == 1


def test_no_activities_gives_empty_productivity(b) -> None:
    """No activities: no reps, zero totals."""
    p = productivity([b.deal("d1")], TWO_WEEKS, b.ts("2026-12-01T00:00"))
    assert p.by_rep == {}
    assert (p.total.meetings, p.total.calls, p.total.meetings_per_week) == (0, 0, 0.0)
