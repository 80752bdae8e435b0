"""Dates a rep can act on: their own time zone, working days, a lead time, holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from nextadvance.core import Playbook, decide
from nextadvance.core._calendar import add_workdays, days_off, next_workday, prev_workday
from nextadvance.core._playbook_model import Thresholds

NORA = {"id": "c1", "name": "Nora Diaz", "role": "champion"}
LA = ZoneInfo("America/Los_Angeles")
#: Tuesday 8 Dec 2026, 05:15 UTC: still Monday 7 Dec 21:15 in Los Angeles
MORNING_UTC = datetime(2026, 12, 8, 5, 15, tzinfo=UTC)


def _with(playbook: Playbook, **thresholds: Any) -> Playbook:
    th = playbook.thresholds.model_copy(update=thresholds)
    return playbook.model_copy(update={"thresholds": th})


def _dates(d: Any) -> list[date]:
    co = d.call_objective
    return [x for x in (co.stretch.by, co.conservative.by, d.coaching.due) if x is not None]


def test_calendar_parses_yearly_dated_and_wrapping_holidays() -> None:
    off = days_off(("12-24..01-01", "2027-04-02", "05-01"))
    assert date(2026, 12, 24) in off and date(2027, 1, 1) in off and date(2026, 12, 31) in off
    assert date(2027, 1, 4) not in off and date(2026, 12, 23) not in off
    assert (
        date(2027, 4, 2) in off and date(2029, 4, 2) not in off
    )  # a one-off date (a Monday in 2029)
    assert date(2029, 5, 1) in off  # yearly
    assert date(2026, 12, 12) in off  # a Saturday
    assert next_workday(date(2026, 12, 24), off) == date(2027, 1, 4)
    assert prev_workday(date(2026, 12, 28), off) == date(2026, 12, 23)
    assert add_workdays(date(2026, 12, 22), 2, off) == date(2027, 1, 4)
    assert add_workdays(date(2026, 12, 22), 2, days_off(())) == date(2026, 12, 24)
    for bad in ("12-32", "2026-13-01", "Dec 25", "01-01..12-31", "2027-01-05..2027-01-01"):
        with pytest.raises(ValueError, match="holiday"):
            days_off((bad,))
    with pytest.raises(ValidationError, match="holiday"):
        Thresholds(holidays=("12-25..xmas",))


def test_meeting_day_and_today_are_the_owners_local_ones(
    playbook: Playbook, make_deal: Any, activity: Any
) -> None:
    """A call at 05:00 UTC on Sunday 20 Dec is Saturday 19 Dec for a Los Angeles rep."""
    call = activity("m1", "meeting", "2026-12-20T05:00:00Z", outcome="scheduled")
    deal = make_deal(contacts=[NORA], activities=[call])
    in_utc = decide(deal, playbook, MORNING_UTC)
    in_la = decide(deal, playbook, MORNING_UTC.astimezone(LA))
    assert in_utc.coaching.due == in_utc.coaching.next_meeting == date(2026, 12, 20)
    assert in_la.coaching.due == in_la.coaching.next_meeting == date(2026, 12, 19)
    # no meeting: "today" is Monday 7 Dec in Los Angeles, Tuesday 8 Dec in UTC
    bare = make_deal(contacts=[NORA])
    due_utc = decide(bare, playbook, MORNING_UTC).coaching.due
    due_la = decide(bare, playbook, MORNING_UTC.astimezone(LA)).coaching.due
    assert due_utc is not None and due_la is not None and due_la < due_utc


def test_a_bare_date_call_stays_on_its_day_in_any_zone(
    playbook: Playbook, make_deal: Any, activity: Any
) -> None:
    """Salesforce Task.ActivityDate is a day, not midnight UTC: not moved to the day before."""
    call = activity("t1", "call", "2026-12-18T00:00:00Z", outcome="scheduled", all_day=True)
    d = decide(make_deal(contacts=[NORA], activities=[call]), playbook, MORNING_UTC.astimezone(LA))
    assert d.coaching.next_meeting == date(2026, 12, 18)


def test_an_advance_is_never_due_sooner_than_two_working_days(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """A close date tomorrow no longer drags the advance to tomorrow; the Watch line says so."""
    tomorrow = (now + timedelta(days=1)).date()
    d = decide(make_deal(contacts=[NORA], close_date=tomorrow.isoformat()), playbook, now)
    floor = add_workdays(now.date(), 2, days_off(()))
    assert all(x >= floor for x in _dates(d)[:2])
    note = d.call_objective.close_date_note
    assert note is not None and "too soon for this step" in note and "Nora" in note
    assert any(line.startswith("Watch: close date") for line in d.coaching.body)
    # a close date that leaves the lead still pulls the advance in, as before
    later = add_workdays(now.date(), 4, days_off(()))
    near = decide(make_deal(contacts=[NORA], close_date=later.isoformat()), playbook, now)
    s = near.call_objective.stretch
    assert s is not None and s.by == later
    assert "too soon for this step" not in (near.call_objective.close_date_note or "")


def test_no_advance_before_the_meeting_and_no_task_due_after_its_advance(
    playbook: Playbook, make_deal: Any, activity: Any
) -> None:
    """Meeting on 21 Dec, close date 8 Dec: the advance is not dated 8 Dec, before the task."""
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    meeting = activity("m1", "meeting", "2026-12-21T15:00:00Z", outcome="scheduled")
    deal = make_deal(contacts=[NORA], activities=[meeting], close_date="2026-12-08")
    d = decide(deal, playbook, now)
    s, c = d.call_objective.stretch, d.call_objective.conservative
    assert s is not None and c is not None and s.by is not None and c.by is not None
    assert d.coaching.due == date(2026, 12, 21) <= min(s.by, c.by)
    assert "too soon for this step" in (d.call_objective.close_date_note or "")
    # a slow low-urgency default (10 working days) is capped at the advance's date
    slow = _with(playbook, due_business_days={"high": 10, "normal": 10, "low": 10})
    close = add_workdays(now.date(), 3, days_off(()))
    lean = decide(make_deal(contacts=[NORA], close_date=close.isoformat()), slow, now)
    lead = lean.call_objective.stretch
    assert lead is not None and lead.by == close and lean.coaching.due == close


def test_no_date_falls_on_a_holiday(playbook: Playbook, make_deal: Any) -> None:
    """Deals decided on every day of December: no advance or task dated 24 Dec - 1 Jan."""
    off = days_off(("12-24..01-01",))
    for day in range(1, 32):
        now = datetime(2026, 12, day, 10, 0, tzinfo=UTC)
        for stage in ("prospecting", "proposal"):
            d = decide(make_deal(stage=stage, contacts=[NORA]), playbook, now)
            assert all(x not in off for x in _dates(d)), (now, _dates(d))
    # ops can switch the default off: then 24 Dec is a working Thursday again
    none = _with(playbook, holidays=())
    now = datetime(2026, 12, 22, 10, 0, tzinfo=UTC)
    two = {"high": 2, "normal": 2, "low": 2}
    bare = make_deal(contacts=[NORA])
    assert decide(bare, _with(none, due_business_days=two), now).coaching.due == date(2026, 12, 24)
    assert decide(bare, _with(playbook, due_business_days=two), now).coaching.due == date(
        2027, 1, 4
    )


def test_the_date_style_is_wording(playbook: Playbook, make_deal: Any, now: datetime) -> None:
    """A US team says 'Fri 12/4'; every date in the task follows; a typo is a load error."""
    us = playbook.model_copy(
        update={
            "wording": playbook.wording.model_copy(
                update={"date_style": "{weekday} {month_number}/{day}"}
            )
        }
    )
    d = decide(make_deal(contacts=[NORA], close_date="2026-11-24"), us, now)
    s = d.call_objective.stretch
    assert s is not None and s.by is not None
    said = f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri')[s.by.weekday()]} {s.by.month}/{s.by.day}"
    assert said in d.coaching.subject and said in s.text
    assert "close date Tue 11/24 is too soon" in (d.call_objective.close_date_note or "")
    assert not any(m in " ".join(d.coaching.body) for m in (" Nov", " Dec"))
    with pytest.raises(ValidationError, match="month_nr"):
        Playbook.model_validate(
            {
                **playbook.model_dump(exclude={"lexicon"}),
                "lexicon": playbook.lexicon,
                "wording": {"date_style": "{month_nr}/{day}"},
            }
        )
