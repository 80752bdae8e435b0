"""Deals whose datetimes carry a zone with rules (``ZoneInfo``) decide as their instants do.

Python compares, subtracts and sorts two datetimes of one ``ZoneInfo`` by wall clock with
``fold`` ignored, so in the hour a DST change repeats, 01:40 EDT sorts after 01:10 EST
although it is half an hour earlier.  The model pins such datetimes to their fixed offset
(``core.models.fixed_offset``): the sync's deals always had fixed offsets (parsed ISO
text); callers of ``decide`` and of the reports may pass zones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from nextadvance.core import Playbook, decide
from nextadvance.core.models import Activity, Deal
from nextadvance.mappings import load_playbook

NY = ZoneInfo("America/New_York")
#: 2026-11-01 in New York: 01:00-02:00 happens twice, EDT (-4) then EST (-5)
HELD = datetime(2026, 11, 1, 1, 40, tzinfo=NY)  # 05:40 UTC, first pass
BOOKED = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=NY)  # 06:10 UTC, second pass
NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


def test_a_zoned_datetime_keeps_its_instant_and_wall_time_with_a_fixed_offset() -> None:
    assert HELD > BOOKED and HELD.astimezone(UTC) < BOOKED.astimezone(UTC)  # the trap
    held = Activity.model_validate({"id": "a", "kind": "meeting", "at": HELD}).at
    booked = Activity.model_validate({"id": "b", "kind": "meeting", "at": BOOKED}).at
    assert held.utcoffset() == timedelta(hours=-4) and booked.utcoffset() == timedelta(hours=-5)
    assert (held.hour, held.minute, booked.hour, booked.minute) == (1, 40, 1, 10)
    assert held.astimezone(UTC) == HELD.astimezone(UTC)
    assert booked.astimezone(UTC) == BOOKED.astimezone(UTC)
    assert held < booked  # by instant
    with pytest.raises(ValueError, match="must include a timezone"):
        Activity.model_validate({"id": "c", "kind": "call", "at": datetime(2026, 11, 1, 9)})


def _deal(zone: Any) -> Deal:
    """Entered discovery at 01:50 EDT; the champion added at 01:30 EST; a meeting held at
    01:40 EDT and one booked for 01:10 EST, each given in ``zone`` (None: as built)."""

    def at(moment: datetime) -> datetime:
        return moment if zone is None else moment.astimezone(zone)

    return Deal.model_validate(
        {
            "id": "D-fall-back",
            "stage": "discovery",
            "created_at": at(datetime(2026, 10, 1, 9, 0, tzinfo=NY)),
            "stage_entered_at": at(datetime(2026, 11, 1, 1, 50, tzinfo=NY)),
            "contacts": [
                {
                    "id": "c1",
                    "name": "Nora Diaz",
                    "role": "champion",
                    "added_at": at(datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NY)),
                }
            ],
            "activities": [
                {
                    "id": "m2",
                    "kind": "meeting",
                    "at": at(BOOKED),
                    "outcome": "scheduled",
                    "contact_ids": ["c1"],
                },
                {
                    "id": "m1",
                    "kind": "meeting",
                    "at": at(HELD),
                    "outcome": "completed",
                    "contact_ids": ["c1"],
                },
            ],
        }
    )


def _instants(value: Any) -> Any:
    """``value`` with every ISO datetime text written in UTC (one instant, one text)."""
    if isinstance(value, dict):
        return {k: _instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_instants(v) for v in value]
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T":
        try:
            return datetime.fromisoformat(value).astimezone(UTC).isoformat()
        except ValueError:
            return value
    return value


def test_the_repeated_hour_decides_as_the_same_instants_in_utc(playbook: Playbook) -> None:
    """Given in New York's zone, the deal once read the booked meeting as the latest held
    one's predecessor and the stage entry as the last advance; it now decides exactly as the
    same instants given in UTC: the champion's arrival is the last advance, the meeting at
    06:10 UTC is still ahead."""
    zoned, utc = decide(_deal(None), playbook, NOW), decide(_deal(UTC), playbook, NOW)
    assert _instants(zoned.model_dump(mode="json")) == _instants(utc.model_dump(mode="json"))
    assert zoned.momentum.last_advance_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert zoned.coaching is not None and zoned.coaching.next_meeting is not None
