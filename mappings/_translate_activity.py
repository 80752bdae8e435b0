"""Activity records (calls, meetings, emails, tasks, notes) into canonical :class:`Activity`.

Why a translator object: activities are most of what a pull reads (ten per deal), so the
mapping's activity section is compiled once (paths split, value tables normalised, see
``._access``) and then applied per record.  :func:`translate_activity` compiles on each call
(for callers with a single record); a connector keeps one :class:`ActivityTranslator` per
object type for the whole pull.  Both run the same code, so they give equal results.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from nextadvance.core.models import Activity, Outcome
from nextadvance.mappings._access import Lookup, field_getter, path_getter, text
from nextadvance.mappings._html import html_to_text
from nextadvance.mappings._model import ActivitySpec, Mapping
from nextadvance.mappings._translate import (
    NO_ID,
    Pair,
    Record,
    RecordProblem,
    Translated,
    build,
    record_id_of,
)
from nextadvance.mappings._values import ValueProblem, to_datetime

__all__ = ["ActivityTranslator", "activity_deal_id", "translate_activity"]


class ActivityTranslator:
    """:func:`translate_activity` for one mapped activity object type, compiled once."""

    def __init__(self, object_type: str, spec: ActivitySpec) -> None:
        self.object_type = object_type
        self.spec = spec
        self._id = path_getter(spec.id)
        # ``at``: an empty path reads nothing (as an unset optional field)
        self._at = tuple((path, field_getter(path)) for path in spec.at)
        self._at_fields = ", ".join(spec.at)
        self._kind_rules = tuple((path_getter(r.field), Lookup(r.values)) for r in spec.kind.rules)
        self._outcome_rules = tuple(
            (path_getter(r.field), Lookup(r.values)) for r in spec.outcome.rules
        )
        direction = spec.direction
        self._direction = (
            None if direction is None else (path_getter(direction.field), Lookup(direction.values))
        )
        self._subject = field_getter(spec.subject)
        self._body = field_getter(spec.body)
        self._owner = field_getter(spec.owner)
        self._contacts = tuple(path_getter(p) for p in spec.contacts)

    def __call__(
        self,
        record: Record,
        *,
        contact_ids: Sequence[str] | None = None,
        now: datetime | None = None,
    ) -> Translated[Activity]:
        """The canonical activity of ``record`` (see :func:`translate_activity`)."""
        return Translated(*self.pair(record, contact_ids=contact_ids, now=now))

    def pair(
        self,
        record: Record,
        *,
        contact_ids: Sequence[str] | None = None,
        now: datetime | None = None,
    ) -> Pair[Activity]:
        """:meth:`__call__` as a :data:`Pair`."""
        spec, obj = self.spec, self.object_type
        record_id = record_id_of(self._id(record))
        problems: list[RecordProblem] = []
        if record_id == NO_ID:
            problems.append(RecordProblem(obj, record_id, spec.id, "record has no id", True))
            return None, tuple(problems)
        at: datetime | None = None
        all_day = False
        for path, get in self._at:
            raw = get(record)
            try:
                at = to_datetime(raw)
            except ValueProblem as exc:
                problems.append(RecordProblem(obj, record_id, path, str(exc)))
                continue
            if at is not None:  # a bare date is a day in the owner's zone, not a UTC midnight
                all_day = _date_only(raw)
                break
        if at is None:
            message = "no timestamp in any of the mapped fields"
            problems.append(RecordProblem(obj, record_id, self._at_fields, message, True))
            return None, tuple(problems)
        kind = spec.kind.default
        for get, table in self._kind_rules:
            found_kind = table(get(record))
            if found_kind is not None:
                kind = found_kind
                break
        outcome: Outcome | None = None
        for read_outcome, outcomes in self._outcome_rules:
            outcome = outcomes(read_outcome(record))
            if outcome is not None:
                break
        future = spec.outcome.future
        if outcome is None and future is not None and now is not None and at > now:
            outcome = future
        direction = None
        if self._direction is not None:
            read_direction, directions = self._direction
            direction = directions(read_direction(record))
        contacts: tuple[str, ...]
        if contact_ids is not None:
            contacts = tuple(dict.fromkeys(contact_ids))
        elif len(self._contacts) == 1:  # the common mapping (WhoId): no temporaries
            one = text(self._contacts[0](record))
            contacts = (one,) if one else ()
        else:
            ids = [text(get(record)) for get in self._contacts]
            contacts = tuple(dict.fromkeys(i for i in ids if i))
        # text() inline for the common plain strings: three reads of every activity
        subject = self._subject(record)
        subject = subject.strip() if type(subject) is str else text(subject) or ""
        body = self._body(record)
        body = body.strip() if type(body) is str else text(body) or ""
        owner = self._owner(record)
        owner = (owner.strip() or None) if type(owner) is str else text(owner)
        values: dict[str, Any] = {
            "id": record_id,
            "kind": kind,
            "at": at,
            "subject": subject,
            "body": html_to_text(body) if body else "",
            "outcome": outcome or spec.outcome.default,
            "direction": direction,
            "owner": owner,
            "contact_ids": contacts,
            "all_day": all_day,
        }
        return build(Activity, values, obj, record_id, problems)


def translate_activity(
    mapping: Mapping,
    object_type: str,
    record: Record,
    *,
    contact_ids: Sequence[str] | None = None,
    now: datetime | None = None,
) -> Translated[Activity]:
    """A canonical :class:`Activity` from one record of a mapped activity object type.

    ``contact_ids`` (HubSpot associations) replace the mapped contact fields when given;
    ``now`` lets the ``outcome.future`` rule mark activities that lie ahead as scheduled.
    """
    translator = ActivityTranslator(object_type, mapping.activities[object_type])
    return translator(record, contact_ids=contact_ids, now=now)


def activity_deal_id(mapping: Mapping, object_type: str, record: Record) -> str | None:
    """The deal id an activity record links to through the mapping's ``deal`` field, if any."""
    spec = mapping.activities[object_type]
    return text(path_getter(spec.deal)(record)) if spec.deal else None


def _date_only(raw: object) -> bool:
    """Whether a CRM time value is a bare day (``2026-12-20``), not a moment."""
    if type(raw) is str:  # the common case first
        day = raw.strip()
        return len(day) == 10 and day[4:5] == "-"
    if isinstance(raw, date):
        return not isinstance(raw, datetime)
    return isinstance(raw, str) and len(raw.strip()) == 10 and raw.strip()[4:5] == "-"
