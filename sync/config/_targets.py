"""The targets file: per-rep prospecting targets, timezones, working day and teams.

A manager writes it by hand (YAML or JSON), so mistakes come back located (file, line,
key path) all at once, like every other file nextadvance reads::

    timezone: Europe/Berlin            # default for reps without their own
    workday:
      blocks: ["08:00-09:00", "09:00-12:00", "13:00-15:00", "15:00-17:00"]
      weekdays: [mon, tue, wed, thu, fri]
      holidays: [2026-12-24, 2026-12-25]
    teams: {alice: east, bob: east, carol: west}
    reps:
      alice:
        timezone: America/New_York
        owner: 0055g00000AbCdE          # CRM owner id (else the key is taken as one)
        targets: {calls: 60, emails: 40, meetings: 5}      # per week
      bob:
        targets: {calls: {count: 220, per: month}}

The report and the sync (``prospecting:`` of a connection) both read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nextadvance.core.errors import ConfigError
from nextadvance.core.measures import DEFAULT_BLOCKS, Metric, Target, WorkingDay
from nextadvance.mappings import load_yaml_file, pydantic_problems

__all__ = ["RepGoals", "Targets", "load_targets", "zone"]

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_BLOCK = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def zone(name: str) -> tzinfo:
    """A zoneinfo timezone, or ValueError naming the bad value."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {name!r} (use an IANA name like Europe/Berlin)"
        ) from None


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _TargetSpec(_M):
    count: int = Field(ge=0)
    per: Literal["week", "month"] = "week"


class _Workday(_M):
    blocks: tuple[str, ...] = tuple(f"{s:%H:%M}-{e:%H:%M}" for s, e in DEFAULT_BLOCKS)
    weekdays: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = (
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
    )
    holidays: tuple[date, ...] = ()

    @field_validator("blocks")
    @classmethod
    def _blocks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        previous: time | None = None
        for text in value:
            start, end = _parse_block(text)
            if previous is not None and start < previous:
                raise ValueError(f"block {text!r} starts before the previous one ends")
            previous = end
        return value


def _parse_block(text: str) -> tuple[time, time]:
    m = _BLOCK.match(text.strip())
    if not m:
        raise ValueError(f"block {text!r} is not HH:MM-HH:MM")
    try:
        start, end = time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))
    except ValueError:
        raise ValueError(f"block {text!r} has an impossible time") from None
    if end <= start:
        raise ValueError(f"block {text!r} ends before it starts")
    return start, end


class _Zoned(_M):
    """A section that may name a timezone; the name is checked where the YAML gives it."""

    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value


class _Rep(_Zoned):
    owner: str | None = Field(default=None, min_length=1, max_length=64)
    targets: dict[Metric, int | _TargetSpec] = Field(default_factory=dict)
    per: Literal["week", "month"] = "week"


class _File(_Zoned):
    workday: _Workday = _Workday()
    teams: dict[str, str] = Field(default_factory=dict)
    reps: dict[str, _Rep] = Field(default_factory=dict)


@dataclass(frozen=True)
class RepGoals:
    """One rep's targets and timezone, ready for :func:`nextadvance.core.measures.plan_day`."""

    rep: str
    tz: tzinfo
    targets: tuple[Target, ...]
    #: the CRM owner id given as ``owner:`` (None: the rep's key may be one)
    owner: str | None = None

    @property
    def owner_id(self) -> str:
        """The CRM owner id this rep's activities and tasks carry: ``owner:``, else the key."""
        return self.owner or self.rep


@dataclass(frozen=True)
class Targets:
    """The parsed targets file (empty when none was given)."""

    working: WorkingDay = field(default_factory=WorkingDay)
    teams: dict[str, str] = field(default_factory=dict)
    reps: tuple[RepGoals, ...] = ()


def load_targets(path: Path, default_tz: tzinfo) -> Targets:
    """Load a targets YAML/JSON file or raise :class:`ConfigError` listing every problem."""
    loc, problems = load_yaml_file(path)
    if problems:
        raise ConfigError(problems)
    if loc.data is None:
        return Targets()
    if not isinstance(loc.data, dict):
        raise ConfigError([loc.problem((), "expected a mapping with reps, teams, workday")])
    try:
        spec = _File.model_validate(loc.data)
    except ValidationError as exc:
        raise ConfigError(pydantic_problems(exc, loc, _File)) from None
    base_tz = zone(spec.timezone) if spec.timezone else default_tz
    working = WorkingDay(
        blocks=tuple(_parse_block(b) for b in spec.workday.blocks),
        weekdays=frozenset(_DAYS[d] for d in spec.workday.weekdays),
        holidays=frozenset(spec.workday.holidays),
    )
    reps = []
    for name, rep in spec.reps.items():
        targets = []
        for metric, value in rep.targets.items():
            if isinstance(value, int):
                if value < 0:
                    raise ConfigError(
                        [loc.problem(("reps", name, "targets", metric.value), "must be >= 0")]
                    )
                targets.append(Target(metric, value, rep.per))
            else:
                targets.append(Target(metric, value.count, value.per))
        tz = zone(rep.timezone) if rep.timezone else base_tz
        reps.append(RepGoals(name, tz, tuple(targets), rep.owner))
    return Targets(working=working, teams=dict(spec.teams), reps=tuple(reps))
