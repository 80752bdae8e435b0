"""Reporting periods are cut at local midnights and stored as UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from nextadvance.core.measures import parse_period, period_between, quarter_of

BERLIN = ZoneInfo("Europe/Berlin")


def test_quarter_in_berlin_starts_and_ends_at_local_midnight() -> None:
    """2026-Q3 in Berlin is 2026-06-30T22:00Z (CEST) up to 2026-09-30T22:00Z."""
    q = parse_period("2026-Q3", BERLIN)
    assert (q.first, q.last) == (date(2026, 7, 1), date(2026, 9, 30))
    assert q.start == datetime(2026, 6, 30, 22, tzinfo=UTC)
    assert q.end == datetime(2026, 9, 30, 22, tzinfo=UTC)


def test_month_across_dst_end_has_different_offsets_at_its_ends() -> None:
    """October 2026 starts in CEST (+2) and ends in CET (+1)."""
    m = parse_period("2026-10", BERLIN)
    assert m.start == datetime(2026, 9, 30, 22, tzinfo=UTC)
    assert m.end == datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert m.contains(datetime(2026, 10, 31, 22, 30, tzinfo=UTC))
    assert not m.contains(datetime(2026, 10, 31, 23, 0, tzinfo=UTC))


def test_iso_week_with_spring_forward_ends_in_summer_time() -> None:
    """2026-W13 runs Mon 23 to Sun 29 March; DST starts on the 29th, so it ends at 22:00Z."""
    w = parse_period("2026-w13", BERLIN)
    assert (w.label, w.first, w.last) == ("2026-W13", date(2026, 3, 23), date(2026, 3, 29))
    assert w.start == datetime(2026, 3, 22, 23, tzinfo=UTC)
    assert w.end == datetime(2026, 3, 29, 22, tzinfo=UTC)


def test_months_and_weeks_are_clipped_to_the_period() -> None:
    """A period from 30 Sep to 5 Oct splits into two months and two ISO weeks."""
    p = period_between(date(2026, 9, 30), date(2026, 10, 5), UTC)
    assert [(m.label, m.first, m.last) for m in p.months()] == [
        ("2026-09", date(2026, 9, 30), date(2026, 9, 30)),
        ("2026-10", date(2026, 10, 1), date(2026, 10, 5)),
    ]
    assert [(w.label, w.first, w.last) for w in p.weeks()] == [
        ("2026-W40", date(2026, 9, 30), date(2026, 10, 4)),
        ("2026-W41", date(2026, 10, 5), date(2026, 10, 5)),
    ]


def test_quarter_of_uses_the_local_date() -> None:
    """23:30Z on 30 September is already 1 October (Q4) in Berlin but Q3 in UTC."""
    now = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)
    assert quarter_of(now, BERLIN).label == "2026-Q4"
    assert quarter_of(now, UTC).label == "2026-Q3"


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "26-Q1", "last month", "2026-02-30"])
def test_bad_period_text_is_a_value_error_naming_the_forms(text: str) -> None:
    """Unparseable periods raise ValueError mentioning the input."""
    with pytest.raises(ValueError, match="invalid period"):
        parse_period(text, UTC)


def test_reversed_range_is_rejected() -> None:
    """A --to before --from is an error, not an empty report."""
    with pytest.raises(ValueError, match="before it starts"):
        period_between(date(2026, 2, 1), date(2026, 1, 1), UTC)
