"""A real sync writes due dates on the owner's local meeting day, HubSpot's at a local hour.

A meeting booked for 02:00 UTC tomorrow is tonight, 21:00, for a New York rep: the Salesforce
task's ActivityDate is the owner's day (User.TimeZoneSidKey), not the UTC one, and the
HubSpot task's hs_timestamp is 09:00 New York on that day, never midnight UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
#: the default pipeline's open stages (mappings/defaults/hubspot.yaml)
OPEN_STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
)


def _meeting_at() -> datetime:
    """02:00 UTC tomorrow: after now, and still today's evening in New York."""
    return (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=2, minute=0, second=0, microsecond=0
    )


def _when(value: Any) -> datetime:
    """A HubSpot timestamp (ISO or epoch ms) as a UTC datetime."""
    text = str(value or "0")
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _quiet_deal(opps: list[dict[str, Any]], busy: set[str], is_open: Any) -> str:
    return next(o["Id"] for o in opps if is_open(o) and o["Id"] not in busy)


def test_salesforce_activity_date_is_the_owners_local_meeting_day(make_world: Any) -> None:
    world = make_world("salesforce", deals=40, seed=7)
    snap = world.sb.snapshot()["salesforce"]
    now = datetime.now(UTC)
    busy = {
        e["WhatId"]
        for e in snap["Event"]
        if e.get("WhatId") and str(e.get("StartDateTime") or "") >= now.strftime("%Y-%m-%d")
    } | {t["WhatId"] for t in snap["Task"] if t.get("WhatId") and t.get("Status") != "Completed"}
    deal_id = _quiet_deal(snap["Opportunity"], busy, lambda o: not o.get("IsClosed"))
    opp = next(o for o in snap["Opportunity"] if o["Id"] == deal_id)
    owner = next(u for u in snap["User"] if u["Id"] == opp["OwnerId"])
    zone = ZoneInfo(owner["TimeZoneSidKey"])
    at = _meeting_at()
    r = world.http().post(
        f"{world.sb.base_url}/services/data/v59.0/sobjects/Event",
        json={
            "WhatId": deal_id,
            "Subject": "Discovery",
            "StartDateTime": at.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "EndDateTime": (at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "DurationInMinutes": 60,
        },
    )
    assert r.status_code < 300, r.text
    code, report = world.sync()
    assert code == 0 and report["status"] == "ok", report
    tasks = [
        t
        for t in world.sb.snapshot()["salesforce"]["Task"]
        if t.get("NA_Key__c") and t.get("WhatId") == deal_id and t.get("Status") != "Completed"
    ]
    assert len(tasks) == 1
    local_day = at.astimezone(zone).date()
    assert local_day != at.date()  # the case the review found one day off
    assert tasks[0]["ActivityDate"] == local_day.isoformat()


def test_hubspot_tasks_are_due_at_a_local_morning_on_the_local_meeting_day(
    make_world: Any,
) -> None:
    world = make_world("hubspot", deals=40, seed=7)
    with world.config.open("a") as fh:
        fh.write("    timezone: America/New_York\n")  # HubSpot owners carry no zone
    snap = world.sb.snapshot()["hubspot"]
    open_deals = [
        d
        for d in snap["objects"]["deals"]
        if d["properties"].get("dealstage") in OPEN_STAGES
        and d["properties"].get("pipeline") in (None, "default")
        and not d["properties"].get("na_parked_until")
    ]
    now = datetime.now(UTC)
    ahead = {
        (kind, str(o["id"]))
        for kind in ("meetings", "calls")
        for o in snap["objects"][kind]
        if _when(o["properties"].get("hs_timestamp")) > now
    }
    busy = {
        str(a[3]) for a in snap["associations"] if (a[0], str(a[1])) in ahead and a[2] == "deals"
    }
    deal_id = str(next(d["id"] for d in open_deals if str(d["id"]) not in busy))
    at = _meeting_at()
    ms = str(int(at.timestamp() * 1000))
    r = world.http().post(
        f"{world.sb.base_url}/crm/v3/objects/meetings",
        json={
            "properties": {
                "hs_timestamp": ms,
                "hs_meeting_start_time": ms,
                "hs_meeting_title": "Discovery",
                "hs_meeting_outcome": "SCHEDULED",
            },
            "associations": [
                {
                    "to": {"id": deal_id},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 212}],
                }
            ],
        },
    )
    assert r.status_code < 300, r.text
    code, report = world.sync()
    assert code == 0 and report["status"] == "ok", report
    snap = world.sb.snapshot()["hubspot"]
    task_deal = {
        str(a[1]): str(a[3]) for a in snap["associations"] if a[0] == "tasks" and a[2] == "deals"
    }
    ours = [t for t in snap["objects"]["tasks"] if t["properties"].get("na_task_key")]
    assert len(ours) >= report["deals"]["decided"] > 0
    for t in ours:
        due = _when(t["properties"]["hs_timestamp"])
        assert due.astimezone(NY).hour == 9, due  # 09:00 for the New York rep, not 19:00 the eve
    mine = [t for t in ours if task_deal.get(str(t["id"])) == deal_id]
    assert len(mine) == 1
    due = _when(mine[0]["properties"]["hs_timestamp"])
    assert due.astimezone(NY).date() == at.astimezone(NY).date() != at.date()
