"""The owner's zone read from the CRM, bare-date activities, and the due day in that zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from nextadvance.core import decide
from nextadvance.mappings import (
    Mapping,
    load_playbook,
    render_writeback,
    translate_activity,
    translate_deal,
)

RECORD: dict[str, Any] = {
    "Id": "006A",
    "Name": "Redfern – Rollout",
    "StageName": "Needs Analysis",
    "CloseDate": "2027-03-31",
    "CreatedDate": "2026-09-01T08:30:00.000+0000",
    "OwnerId": "005A",
    "Owner": {"Name": "Ana Ruiz", "TimeZoneSidKey": "America/Los_Angeles"},
}


def test_salesforce_owner_zone_and_bare_date_tasks_are_read(sf_mapping: Mapping) -> None:
    deal = translate_deal(sf_mapping, RECORD).value
    assert deal is not None and deal.owner_timezone == "America/Los_Angeles"
    task = {
        "Id": "00T1",
        "ActivityDate": "2026-12-18",
        "TaskSubtype": "Call",
        "Status": "Not Started",
    }
    event = {"Id": "00U1", "StartDateTime": "2026-12-20T05:00:00.000+0000"}
    call = translate_activity(sf_mapping, "Task", task).value
    meeting = translate_activity(sf_mapping, "Event", event).value
    assert call is not None and call.all_day and call.at == datetime(2026, 12, 18, tzinfo=UTC)
    assert meeting is not None and not meeting.all_day


def test_the_task_is_due_on_the_owners_local_meeting_day(sf_mapping: Mapping) -> None:
    """Sunday 05:00 UTC is Saturday evening in Los Angeles: ActivityDate is that Saturday."""
    event = {"Id": "00U1", "StartDateTime": "2026-12-20T05:00:00.000+0000", "WhatId": "006A"}
    now_utc = datetime(2026, 12, 7, 5, 15, tzinfo=UTC)
    meeting = translate_activity(sf_mapping, "Event", event, now=now_utc).value
    deal = translate_deal(sf_mapping, RECORD).value
    assert deal is not None and meeting is not None
    deal = deal.model_copy(update={"activities": (meeting,)})
    local = now_utc.astimezone(ZoneInfo("America/Los_Angeles"))
    plan = render_writeback(sf_mapping, deal, decide(deal, load_playbook(), local), local)
    assert plan.task is not None
    assert plan.task.fields["ActivityDate"] == date(2026, 12, 19)
    assert plan.task.due_tz == "America/Los_Angeles"
    utc_plan = render_writeback(sf_mapping, deal, decide(deal, load_playbook(), now_utc), now_utc)
    assert utc_plan.task is not None and utc_plan.task.fields["ActivityDate"] == date(2026, 12, 20)
    assert utc_plan.task.due_tz is None
