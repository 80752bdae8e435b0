"""Sit rate: held ÷ (held + no-show + canceled), reschedules folded, unlogged listed apart."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from nextadvance.core.measures import SitStatus, meeting_chains, parse_period, sit_rate

Q3 = parse_period("2026-Q3", UTC)


def test_no_meetings_gives_no_rate(b) -> None:
    """Deals without meetings (or without activities at all) yield an undefined rate, not 0."""
    deals = [b.deal("d1"), b.deal("d2", activities=(b.act("c1", "call", "2026-07-02T10:00"),))]
    report = sit_rate(deals, Q3, b.ts("2026-10-01T00:00"))
    assert report.total.rate.value is None
    assert report.by_rep == {}


def test_outcomes_count_held_no_show_canceled_and_list_unlogged(b) -> None:
    """3 held, 1 no-show, 1 canceled → 3/5; 2 unlogged listed; the future one only counted."""
    acts = (
        b.act("m1", "meeting", "2026-07-01T10:00", "completed"),
        b.act("m2", "meeting", "2026-07-08T10:00", "completed"),
        b.act("m3", "meeting", "2026-07-15T10:00", "completed"),
        b.act("m4", "meeting", "2026-07-22T10:00", "no_show"),
        b.act("m5", "meeting", "2026-07-29T10:00", "canceled"),
        b.act("m6", "meeting", "2026-08-05T10:00", "scheduled"),
        b.act("m7", "meeting", "2026-08-06T10:00", "unknown"),
        b.act("m8", "meeting", "2026-09-20T10:00", "scheduled"),
    )
    report = sit_rate([b.deal("d1", activities=acts)], Q3, b.ts("2026-09-01T00:00"))
    assert (report.total.rate.numerator, report.total.rate.denominator) == (3, 5)
    assert report.total.rate.value == 0.6
    assert report.total.unlogged == 2
    assert report.total.future == 1
    assert [c.meeting_ids for c in report.not_counted] == [("m6",), ("m7",)]


def test_reschedule_chain_counts_once_by_final_outcome(b) -> None:
    """Rescheduled twice then held is one held meeting with two reschedules."""
    acts = (
        b.act("m1", "meeting", "2026-07-01T10:00", "rescheduled"),
        b.act("m2", "meeting", "2026-07-03T10:00", "rescheduled"),
        b.act("m3", "meeting", "2026-07-09T10:00", "completed"),
    )
    deal = b.deal("d1", activities=acts)
    chains = meeting_chains(deal, b.ts("2026-08-01T00:00"))
    assert [(c.meeting_ids, c.status, c.reschedules) for c in chains] == [
        (("m1", "m2", "m3"), SitStatus.held, 2)
    ]
    report = sit_rate([deal], Q3, b.ts("2026-08-01T00:00"))
    assert (report.total.held, report.total.rate.denominator) == (1, 1)


def test_all_rescheduled_is_an_open_reschedule_not_counted(b) -> None:
    """Meetings all marked rescheduled with no later one: no rate, listed as not counted."""
    acts = (
        b.act("m1", "meeting", "2026-07-01T10:00", "rescheduled"),
        b.act("m2", "meeting", "2026-07-05T10:00", "rescheduled"),
    )
    report = sit_rate([b.deal("d1", activities=acts)], Q3, b.ts("2026-08-01T00:00"))
    assert report.total.rate.value is None
    assert report.total.reschedule_open == 1
    assert [c.meeting_ids for c in report.not_counted] == [("m1", "m2")]


def test_chain_counts_in_the_period_of_its_final_meeting(b) -> None:
    """Rescheduled in June, no-show in July: counted in Q3 only."""
    acts = (
        b.act("m1", "meeting", "2026-06-25T10:00", "rescheduled"),
        b.act("m2", "meeting", "2026-07-02T10:00", "no_show"),
    )
    deal = b.deal("d1", activities=acts)
    now = b.ts("2026-10-01T00:00")
    assert sit_rate([deal], parse_period("2026-Q2", UTC), now).total == sit_rate([], Q3, now).total
    assert sit_rate([deal], Q3, now).total.no_show == 1


def test_rescheduled_meetings_of_other_deals_do_not_chain(b) -> None:
    """A reschedule is superseded only by a later meeting of the same deal."""
    d1 = b.deal("d1", activities=(b.act("m1", "meeting", "2026-07-01T10:00", "rescheduled"),))
    d2 = b.deal("d2", activities=(b.act("m2", "meeting", "2026-07-02T10:00", "completed"),))
    report = sit_rate([d1, d2], Q3, b.ts("2026-08-01T00:00"))
    assert (report.total.held, report.total.reschedule_open) == (1, 1)


def test_period_boundary_follows_the_timezone(b) -> None:
    """A meeting at 22:30Z on 30 June is in Q3 for Berlin (00:30 local) but Q2 in UTC."""
    deal = b.deal("d1", activities=(b.act("m1", "meeting", "2026-06-30T22:30", "completed"),))
    now = b.ts("2026-10-01T00:00")
    berlin_q3 = parse_period("2026-Q3", ZoneInfo("Europe/Berlin"))
    assert sit_rate([deal], berlin_q3, now).total.held == 1
    assert sit_rate([deal], Q3, now).total.held == 0


def test_per_rep_uses_activity_owner_then_deal_owner_and_teams_sum(b) -> None:
    """Meeting owner wins over deal owner; a team adds up its reps; unmapped reps stay out."""
    d1 = b.deal(
        "d1",
        owner="alice",
        activities=(
            b.act("m1", "meeting", "2026-07-01T10:00", "completed"),
            b.act("m2", "meeting", "2026-07-08T10:00", "no_show", owner="bob"),
        ),
    )
    d2 = b.deal("d2", owner="carol", activities=(b.act("m3", "meeting", "2026-07-02T10:00"),))
    report = sit_rate(
        [d1, d2], Q3, b.ts("2026-08-01T00:00"), teams={"alice": "east", "bob": "east"}
    )
    assert {rep: c.rate.value for rep, c in report.by_rep.items()} == {
        "alice": 1.0,
        "bob": 0.0,
        "carol": 1.0,
    }
    assert (report.by_team["east"].held, report.by_team["east"].no_show) == (1, 1)
    assert list(report.by_team) == ["east"]


def test_future_outcome_is_ignored_until_the_meeting_has_passed(b) -> None:
    """A meeting after now counts as future even if someone already logged an outcome."""
    deal = b.deal("d1", activities=(b.act("m1", "meeting", "2026-07-10T10:00", "completed"),))
    report = sit_rate([deal], Q3, b.ts("2026-07-10T09:59"))
    assert (report.total.future, report.total.held) == (1, 0)
