"""The canonical model every CRM is translated into at the connector boundary.

These are the public JSON contract of ``nextadvance decide`` too (one :class:`Deal` per
line), so field names are stable.  Models are frozen: the engine never mutates its input.
Timestamps must be timezone-aware; naive ones are rejected with a clear message because a
silent local-time guess shifts every "days in stage" by hours.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "Account",
    "Activity",
    "ActivityKind",
    "AwareDatetime",
    "Contact",
    "Deal",
    "Outcome",
    "fixed_offset",
]


def fixed_offset(value: datetime) -> datetime:
    """An aware ``value`` with a fixed offset (its wall time and instant kept).

    A zone with rules (a ``ZoneInfo``) is pinned to its offset at that instant: Python
    compares, subtracts and sorts two datetimes of one such zone by wall clock, ``fold``
    ignored, so in the hour a DST change repeats a held meeting could sort after a booked
    one.  With fixed offsets every comparison the engine and the reports make is by instant.
    Raises ``ValueError`` for a naive ``value``.
    """
    if type(value.tzinfo) is timezone:  # a fixed offset (what parsing gives): always aware
        return value
    offset = value.utcoffset() if value.tzinfo is not None else None
    if offset is None:
        raise ValueError("timestamp must include a timezone (e.g. 2026-11-23T09:00:00Z)")
    return value.replace(tzinfo=timezone(offset), fold=0)


#: A datetime that must carry a timezone offset.
AwareDatetime = Annotated[datetime, AfterValidator(fixed_offset)]


class ActivityKind(StrEnum):
    """What kind of touch an activity was."""

    call = "call"
    meeting = "meeting"
    email = "email"
    task = "task"
    note = "note"


class Outcome(StrEnum):
    """What happened to an activity; ``unknown`` when the CRM has no outcome logged."""

    completed = "completed"
    no_show = "no_show"
    canceled = "canceled"
    rescheduled = "rescheduled"
    scheduled = "scheduled"
    unknown = "unknown"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Account(_Model):
    """The company a deal is with; industry and size select segment overrides."""

    name: str = ""
    industry: str | None = None
    employees: int | None = Field(default=None, ge=0)
    region: str | None = None


class Contact(_Model):
    """A person on the deal; ``role`` is a canonical role (decision_maker, champion, ...)."""

    id: str
    name: str = ""
    title: str | None = None
    role: str | None = None
    added_at: AwareDatetime | None = None


class Activity(_Model):
    """A call, meeting, email, task or note linked to the deal."""

    id: str
    kind: ActivityKind
    at: AwareDatetime
    subject: str = ""
    body: str = ""
    outcome: Outcome = Outcome.unknown
    direction: str | None = None
    owner: str | None = None
    contact_ids: tuple[str, ...] = ()
    #: the CRM gave a day, not a time (Salesforce ``Task.ActivityDate``): ``at`` is that
    #: day's midnight UTC and the day is the same in every time zone
    all_day: bool = False


class Deal(_Model):
    """One opportunity/deal in canonical form: the input of :func:`nextadvance.core.decide`.

    ``fields`` maps canonical evidence field names (as the playbook refers to them) to the
    values the mapping produced; ``stage`` is a canonical stage key of the playbook.
    """

    id: str
    name: str = ""
    system: str = "json"
    pipeline: str | None = None
    stage: str
    amount: float | None = None
    currency: str | None = None
    close_date: date | None = None
    created_at: AwareDatetime
    modified_at: AwareDatetime | None = None
    stage_entered_at: AwareDatetime | None = None
    owner: str | None = None
    #: the owner's display name (reports name people; the engine never reads it)
    owner_name: str | None = None
    #: the owner's IANA time zone as the CRM knows it (Salesforce ``Owner.TimeZoneSidKey``);
    #: the engine never reads it: callers pass ``now`` in this zone (see ``owner_now``)
    owner_timezone: str | None = None
    account: Account = Account()
    next_step: str | None = None
    #: the deal's own free text (Salesforce ``Opportunity.Description``, HubSpot
    #: ``description``), where reps type what they know ("Pain: field teams double-key
    #: orders."): read like a rep's note for evidence, never counted as a touch
    description: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    contacts: tuple[Contact, ...] = ()
    activities: tuple[Activity, ...] = ()
    strategic_objective: str | None = None
    parked_until: date | None = None
    parked_reason: str | None = None
    open_task_subject: str | None = None
