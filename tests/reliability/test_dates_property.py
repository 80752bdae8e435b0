"""Dates across time zones and DST, property-based: the conversions used for write-back and
the engine's days-in-stage give the same answer for the same instant in any zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from nextadvance.connectors import profile
from nextadvance.core import decide
from nextadvance.core.models import Deal
from nextadvance.mappings import default_mapping_path, load_mapping, load_playbook, typed_value
from nextadvance.mappings._values import to_date, to_datetime

#: zones with DST (both hemispheres), a 30-minute DST shift, +13:45, and far-west/east offsets
ZONES = [
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]
zones = st.sampled_from(ZONES).map(ZoneInfo)
instants = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2090, 12, 31),
    timezones=zones,
    allow_imaginary=False,  # wall times skipped by a DST change name no instant
)
days = st.dates(min_value=date(1971, 1, 1), max_value=date(2200, 12, 31))
CRMS = st.sampled_from(["salesforce", "hubspot"])
DAY_MS = 86_400_000


@settings(max_examples=200, deadline=None)
@given(d=days, crm=CRMS)
def test_a_written_date_is_that_calendar_day_at_midnight_utc(d: date, crm: str) -> None:
    """A date written back is the same calendar day when read back; HubSpot gets epoch
    milliseconds of midnight UTC, Salesforce an ISO date (never a datetime)."""
    wire = profile(crm).encode(typed_value(crm, "date", d))
    if crm == "hubspot":
        assert int(wire) % DAY_MS == 0
    else:
        assert wire == d.isoformat()
    assert to_date(wire) == d


@settings(max_examples=200, deadline=None)
@given(moment=instants, crm=CRMS)
def test_a_written_datetime_is_the_same_instant_whatever_its_zone(
    moment: datetime, crm: str
) -> None:
    """A datetime in any zone (DST or not) is written as the same instant, to the second, in
    UTC; its date output is the UTC calendar date of that instant."""
    wire = profile(crm).encode(typed_value(crm, "datetime", moment))
    back = to_datetime(wire)
    assert back is not None and back.utcoffset() == timedelta(0)
    assert back == moment.replace(microsecond=0).astimezone(UTC)
    assert typed_value(crm, "date", moment) == moment.astimezone(UTC).date()


@settings(max_examples=100, deadline=None)
@given(moment=instants)
def test_reading_iso_with_offsets_and_epoch_ms_agree(moment: datetime) -> None:
    """The same instant as ISO with its offset, as ISO in UTC and as epoch milliseconds reads
    back to one aware datetime and one UTC date."""
    moment = moment.replace(microsecond=0)
    forms = [
        moment.isoformat(),
        moment.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        str(int(moment.timestamp() * 1000)),
    ]
    read = {to_datetime(f).astimezone(UTC) for f in forms}  # type: ignore[union-attr]
    assert read == {moment.astimezone(UTC)}
    assert {to_date(f) for f in forms} == {moment.astimezone(UTC).date()}


@cache
def _playbook() -> Any:
    mapping = load_mapping(default_mapping_path("salesforce"))
    return load_playbook(mapping.playbook_path(), mapping.lexicon_path())


def _days_in_stage(entered: datetime, now: datetime) -> int:
    pb = _playbook()
    deal = Deal(
        id="006TZ",
        name="Timezone Test Deal",
        stage=pb.stages[0].key,
        created_at=entered,
        stage_entered_at=entered,
    )
    return int(decide(deal, pb, now).momentum.days_in_stage)


@settings(max_examples=60, deadline=None)
@example(  # Sydney's DST ended inside these 61 days: wall-clock subtraction says 60
    entered=datetime(2000, 1, 26, tzinfo=ZoneInfo("Australia/Sydney")),
    gap=timedelta(days=61),
    now_zone=ZoneInfo("Australia/Sydney"),
)
@given(
    entered=instants,
    gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    now_zone=zones,
)
def test_days_in_stage_counts_elapsed_days_whatever_the_zones(
    entered: datetime, gap: timedelta, now_zone: ZoneInfo
) -> None:
    """Days in stage are whole elapsed 24-hour days between two instants, the same whether
    the stamps come in UTC, in the deal's zone or in another zone, across DST changes."""
    now = (entered.astimezone(UTC) + gap).astimezone(now_zone)
    expected = gap // timedelta(days=1)
    assert _days_in_stage(entered, now) == expected
    assert _days_in_stage(entered.astimezone(UTC), now.astimezone(UTC)) == expected
    same_zone_now = now.astimezone(entered.tzinfo)
    assert _days_in_stage(entered, same_zone_now) == expected
