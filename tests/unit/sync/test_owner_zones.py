"""The owner's time zone from CRM, targets file or setting, and the HubSpot due moment in it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from nextadvance.connectors._base import TaskSpec, WriteKind, WriteOp
from nextadvance.connectors._plan import ReadPlan
from nextadvance.connectors.hubspot._writes import COMPLETED, HubSpotWriter, due_moment
from nextadvance.core.models import Deal
from nextadvance.mappings import TaskPlan, WritebackPlan, default_mapping_path, load_mapping
from nextadvance.sync.config import OwnerZones
from nextadvance.sync.run._plan import plan_deal

LA, BERLIN = ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/Berlin")


def _deal(**kw: Any) -> Deal:
    return Deal.model_validate(
        {"id": "D1", "stage": "discovery", "created_at": "2026-11-01T09:00:00Z", **kw}
    )


def _utc(ms: str) -> datetime:
    return datetime.fromtimestamp(int(ms) / 1000, tz=UTC)


def test_the_crm_zone_wins_then_the_targets_rep_then_the_default() -> None:
    zones = OwnerZones(BERLIN, {"005A": LA})
    assert zones.of(_deal(owner="005A", owner_timezone="Asia/Tokyo")) == ZoneInfo("Asia/Tokyo")
    assert zones.of(_deal(owner="005A")) == LA
    assert zones.of(_deal(owner="005A", owner_timezone="Mars/Olympus")) == LA  # unknown name
    assert zones.of(_deal(owner="005B")) == BERLIN
    assert OwnerZones().of(_deal()) is UTC
    now = datetime(2026, 12, 8, 5, 15, tzinfo=UTC)
    local = zones.now(_deal(owner="005A"), now)
    assert local == now and local.date() == date(2026, 12, 7)


def test_hubspot_due_is_a_local_morning_never_midnight_utc() -> None:
    """09:00 for the owner; the UTC date stays the due date, so reading it back agrees."""
    day = date(2026, 12, 9)
    assert _utc(due_moment(day, "America/Los_Angeles")) == datetime(2026, 12, 9, 17, tzinfo=UTC)
    assert _utc(due_moment(day, "America/New_York")) == datetime(2026, 12, 9, 14, tzinfo=UTC)
    assert _utc(due_moment(day, "Europe/Berlin")) == datetime(2026, 12, 9, 8, tzinfo=UTC)
    # Sydney 09:00 is 22:00 UTC the day before: kept at 00:00 UTC = 11:00 local, same day
    sydney = _utc(due_moment(day, "Australia/Sydney"))
    assert sydney == datetime(2026, 12, 9, tzinfo=UTC)
    assert sydney.astimezone(ZoneInfo("Australia/Sydney")).date() == day
    assert _utc(due_moment(day, None)) == datetime(2026, 12, 9, 12, tzinfo=UTC)
    assert _utc(due_moment(day, "Not/AZone")) == datetime(2026, 12, 9, 12, tzinfo=UTC)
    for tz in ("Pacific/Honolulu", "America/Los_Angeles", "Europe/London", "Pacific/Auckland"):
        moment = _utc(due_moment(day, tz))
        assert moment.date() == day == moment.astimezone(ZoneInfo(tz)).date()


class _Api:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, list[dict[str, Any]]]] = []

    def batch_read(self, *args: Any, **kw: Any) -> list[dict[str, Any]]:
        return []

    def associations(self, *args: Any, **kw: Any) -> dict[str, Any]:
        return {}

    def batch_write(self, obj: str, action: str, bodies: list[dict[str, Any]]) -> Any:
        self.calls.append((obj, action, bodies))
        return {
            "results": [{"id": str(i), "properties": b["properties"]} for i, b in enumerate(bodies)]
        }


def test_the_owner_zone_travels_from_the_plan_to_hs_timestamp() -> None:
    """TaskPlan.due_tz -> ledger payload -> TaskSpec -> 09:00 Los Angeles on the wire."""
    task = TaskPlan(
        object_type="tasks",
        key_field="na_task_key",
        key="na-D1-k",
        deal_id="D1",
        subject="Get Nora to book discovery",
        body="Ask: ...",
        due=date(2026, 12, 9),
        priority="MEDIUM",
        type="TODO",
        owner="70000001",
        due_tz="America/Los_Angeles",
    )
    planned = plan_deal("D1", WritebackPlan("D1", "deals", {}, task), {}, {})
    op = next(p.write for p in planned.ops if p.write.kind == WriteKind.upsert_task)
    assert op.task is not None and op.task.due_tz == "America/Los_Angeles"
    api = _Api()
    plan = ReadPlan(load_mapping(default_mapping_path("hubspot")), completed_status=COMPLETED)
    HubSpotWriter(plan, api).apply([op])  # type: ignore[arg-type]
    (_, _, bodies), *_ = [c for c in api.calls if c[1] == "create"]
    assert _utc(bodies[0]["properties"]["hs_timestamp"]) == datetime(2026, 12, 9, 17, tzinfo=UTC)
    # an update that does not send the due leaves hs_timestamp alone
    spec = TaskSpec(subject="x", due=date(2026, 12, 9), only=frozenset({"subject"}))
    upd = WriteOp(WriteKind.upsert_task, "na-D1-k", "D1", task=spec, crm_id="9")
    api2 = _Api()
    HubSpotWriter(plan, api2).apply([upd])  # type: ignore[arg-type]
    assert all("hs_timestamp" not in b["properties"] for _, _, bs in api2.calls for b in bs)
