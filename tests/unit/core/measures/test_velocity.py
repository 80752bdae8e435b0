"""Pipeline velocity: open × win rate × average won amount ÷ average cycle days."""

from __future__ import annotations

from datetime import UTC

import pytest

from nextadvance.core.measures import ClosedStages, DealStatus, parse_period, velocity, velocity_by

Q3 = parse_period("2026-Q3", UTC)


def _q3_deals(b):
    return [
        b.deal("w1", "closed_won", "2026-06-01T09:00", close="2026-07-11", amount=10_000),
        b.deal("w2", "closed_won", "2026-07-01T09:00", close="2026-08-30", amount=30_000),
        b.deal("l1", "closed_lost", "2026-05-01T09:00", close="2026-08-09", amount=5_000),
        # closed after the quarter: still open at its end
        b.deal("l2", "closed_lost", "2026-09-01T09:00", close="2026-10-02", owner="bob"),
        b.deal("o1", "discovery", "2026-02-01T09:00", owner="bob"),
        # created after the quarter: not in its pipeline
        b.deal("o2", "discovery", "2026-10-05T09:00"),
        # closed before the quarter: ignored
        b.deal("w3", "closed_won", "2026-01-01T09:00", close="2026-06-20", amount=99_000),
    ]


def test_velocity_of_a_finished_quarter_by_hand(b) -> None:
    """2 open × 2/3 × 20,000 ÷ ((40 + 60 + 100) / 3) days = 400 per day."""
    v = velocity(_q3_deals(b), Q3, b.ts("2026-10-15T00:00"))
    assert v.open_count == 2
    assert (v.won, v.lost) == (2, 1)
    assert v.avg_won_amount == 20_000
    assert v.avg_cycle_days == pytest.approx(200 / 3)
    assert v.per_day == pytest.approx(400.0)


def test_velocity_by_rep_recomputes_each_group(b) -> None:
    """Bob has 2 open deals and nothing closed: his velocity is undefined, not zero."""
    by = velocity_by(_q3_deals(b), Q3, b.ts("2026-10-15T00:00"), key=lambda d: d.owner)
    assert by["bob"].open_count == 2
    assert by["bob"].per_day is None
    assert by["alice"].open_count == 0
    assert by["alice"].per_day == 0.0


def test_no_closed_deals_gives_no_velocity(b) -> None:
    """Without closed deals there is no win rate, so no velocity."""
    v = velocity([b.deal("o1")], Q3, b.ts("2026-10-15T00:00"))
    assert (v.open_count, v.win_rate.value, v.per_day) == (1, None, None)


def test_same_day_close_counts_one_day_and_missing_amount_is_skipped(b) -> None:
    """A deal won the day it was created has a 1-day cycle; a won deal without amount is
    counted as won but not in the average amount."""
    deals = [
        b.deal("w1", "closed_won", "2026-07-03T08:00", close="2026-07-03", amount=600),
        b.deal("w2", "closed_won", "2026-07-01T08:00", close="2026-07-04"),
        b.deal("o1", "proposal", "2026-07-01T08:00"),
    ]
    v = velocity(deals, Q3, b.ts("2026-10-15T00:00"))
    assert (v.won, v.won_with_amount, v.avg_won_amount) == (2, 1, 600)
    assert v.avg_cycle_days == 2.0  # (1 + 3) / 2
    assert v.per_day == pytest.approx(1 * 1.0 * 600 / 2)


def test_running_period_counts_deals_open_now(b) -> None:
    """Mid-quarter, closed deals are not open (whatever their close date); later ones don't exist."""
    deals = [
        b.deal("w1", "closed_won", "2026-07-01T08:00", close="2026-08-15", amount=100),
        b.deal("o1", "proposal", "2026-07-01T08:00"),
        b.deal("o2", "proposal", "2026-08-20T08:00"),
        # won already, with a close date typed in the future: closed now all the same
        b.deal("w2", "closed_won", "2026-07-01T08:00", close="2026-08-30", amount=100),
    ]
    v = velocity(deals, Q3, b.ts("2026-08-15T12:00"))
    assert v.open_count == 1


def test_close_day_falls_back_to_stage_entry_in_the_period_timezone(b) -> None:
    """Without a close date, entering the won stage at 23:30Z on 30 Sep is 1 Oct in Berlin."""
    from zoneinfo import ZoneInfo

    deal = b.deal("w1", "closed_won", "2026-07-01T08:00", entered="2026-09-30T23:30", amount=1)
    now = b.ts("2026-12-01T00:00")
    assert velocity([deal], Q3, now).won == 1
    assert velocity([deal], parse_period("2026-Q3", ZoneInfo("Europe/Berlin")), now).won == 0


def test_closed_stages_come_from_the_playbook(b, playbook) -> None:
    """The playbook's closed: won/lost stages decide the status."""
    stages = ClosedStages.from_playbook(playbook)
    assert stages.won == frozenset({"closed_won"})
    assert stages.status(b.deal("x", "closed_lost")) is DealStatus.lost
    assert stages.status(b.deal("y", "proposal")) is DealStatus.open
