"""What a connector reads and how raw records become canonical ones: the mapping, applied.

Field selection comes from the mapping (``deal_read_fields`` ...) plus the bookkeeping
fields every connector needs (ids, modified stamps, deletion flags, our write-back fields and
task key); translation is delegated to ``nextadvance.mappings`` so no mapping logic lives
here.  Records the mapping cannot translate are counted in :attr:`ReadPlan.problems` (the run
report shows them) and pulled with ``deal=None``/``activity=None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from nextadvance.connectors._base import TaskState
from nextadvance.connectors._cursor import parse_ts
from nextadvance.core.models import Activity, Contact, Deal
from nextadvance.mappings import (
    UNMAPPED_STAGE,
    ActivityTranslator,
    ContactTranslator,
    DealTranslator,
    RecordProblem,
    get_path,
)
from nextadvance.mappings import (
    Mapping as MappingSpec,
)

__all__ = ["ReadPlan", "TaskFieldNames", "get_path", "typed_read"]

MAX_PROBLEMS = 200
T = TypeVar("T")


@dataclass(frozen=True)
class TaskFieldNames:
    """CRM field names of our suggested task (from the mapping's writeback.task)."""

    object: str
    key: str
    subject: str
    body: str
    due: str
    status: str | None
    priority: str | None
    owner: str | None
    deal: str | None
    type: str | None
    open_status: str | None
    default_priority: str | None
    task_type: str | None
    stamp: str | None = None


class _Translators:
    """The mapping's translators, compiled once per plan (a pull translates every record)."""

    def __init__(self, mapping: MappingSpec) -> None:
        self.mapping = mapping
        self.deal = DealTranslator(mapping)
        spec = mapping.contacts
        self.contact = ContactTranslator(spec) if spec is not None else None
        self.activities: dict[str, ActivityTranslator] = {}

    def activity(self, obj: str) -> ActivityTranslator:
        found = self.activities.get(obj)
        if found is None:
            found = self.activities[obj] = ActivityTranslator(obj, self.mapping.activities[obj])
        return found


@dataclass
class ReadPlan:
    """The mapping as a connector uses it; ``problems`` collects untranslatable records."""

    mapping: MappingSpec
    completed_status: str
    problems: list[str] = field(default_factory=list)
    skipped: int = 0
    #: ``task`` for the mapping's task section it was built from (asked once per record)
    _task_memo: tuple[Any, TaskFieldNames | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    #: the translators of :attr:`mapping` (rebuilt if the plan is given another mapping)
    _compiled: _Translators | None = field(default=None, init=False, repr=False, compare=False)

    # -- selection -----------------------------------------------------------------------
    @property
    def writeback(self) -> tuple[str, ...]:
        """CRM field names of our deal write-back outputs (enabled ones) and the card's
        feedback field."""
        return self.mapping.writeback.deal.read_fields()

    def writeback_values(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Current values of our write-back fields as typed Python values.

        Same form as ``WritebackPlan.deal_fields`` (str / bool / date / datetime to the
        second, UTC; empty text is None), so the planner can compare without knowing the CRM.
        """
        wb = self.mapping.writeback.deal
        out: dict[str, Any] = {}
        for name in type(wb).model_fields:
            spec = getattr(wb, name)
            if spec is None or not spec.enabled:
                continue
            out[spec.field] = typed_read(spec.type or "text", get_path(record, spec.field))
        return out

    @property
    def task(self) -> TaskFieldNames | None:
        """Our task's field names, or None when the mapping writes no task."""
        t = self.mapping.writeback.task
        memo = self._task_memo
        if memo is not None and memo[0] is t:
            return memo[1]
        names = self._task_names(t)
        self._task_memo = (t, names)
        return names

    @staticmethod
    def _task_names(t: Any) -> TaskFieldNames | None:
        if t is None or not t.enabled:
            return None
        f = t.fields
        return TaskFieldNames(
            object=t.object,
            key=t.key_field,
            subject=f.subject,
            body=f.body,
            due=f.due,
            status=f.status,
            priority=f.priority,
            owner=f.owner,
            deal=f.deal,
            type=f.type,
            open_status=t.status,
            default_priority=t.priority,
            task_type=t.type,
            stamp=f.stamp,
        )

    @property
    def activity_types(self) -> tuple[str, ...]:
        """Activity object types to read, in mapping order."""
        return self.mapping.activity_object_types()

    def activity_fields(self, obj: str) -> tuple[str, ...]:
        """Mapped fields of one activity type plus our task bookkeeping on the task object."""
        fields = list(self.mapping.activity_read_fields(obj))
        task = self.task
        if task is not None and obj == task.object:
            fields += [task.key, task.subject, task.due, task.body]
            extra = (task.status, task.deal, task.priority, task.owner, task.stamp)
            fields += [f for f in extra if f]
        return tuple(dict.fromkeys(fields))

    # -- translation ---------------------------------------------------------------------
    @property
    def translators(self) -> _Translators:
        """The compiled translators of the mapping in force."""
        compiled = self._compiled
        if compiled is None or compiled.mapping is not self.mapping:
            compiled = self._compiled = _Translators(self.mapping)
        return compiled

    def _note(self, problems: Iterable[Any]) -> None:
        for p in problems:
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(str(p))

    def _kept(self, value: T | None, problems: tuple[RecordProblem, ...]) -> T | None:
        """The translated value; its problems noted and, when it was skipped, counted."""
        if problems:
            self._note(problems)
        if value is None:
            self.skipped += 1
        return value

    def contacts(self, records: Iterable[Mapping[str, Any]]) -> tuple[Contact, ...]:
        """Canonical contacts from contact(-role) records (untranslatable ones dropped)."""
        translate = self.translators.contact
        if translate is None:
            return ()
        out: dict[str, Contact] = {}
        for rec in records:
            contact, problems = translate.pair(rec)
            if problems:
                self._note(problems)
            if contact is not None and contact.id not in out:
                out[contact.id] = contact
        return tuple(out.values())

    def deal(self, record: Mapping[str, Any], contacts: Iterable[Contact]) -> Deal | None:
        """The canonical deal, or None (counted) when the mapping must skip it.

        A deal whose pipeline or stage is not mapped is kept (stage ``UNMAPPED_STAGE``) for
        the mirror; the run reports it at decide time, under the mapping in force then.
        """
        deal, problems = self.translators.deal.pair(record, contacts=contacts, keep_unmapped=True)
        if deal is not None and deal.stage == UNMAPPED_STAGE:
            f = self.mapping.deal.fields
            problems = tuple(p for p in problems if p.field not in (f.stage, f.pipeline))
        return self._kept(deal, problems)

    def crm_stage(self, record: Mapping[str, Any]) -> str | None:
        """The CRM's own stage value of a deal record (kept in the mirror)."""
        raw = get_path(record, self.mapping.deal.fields.stage)
        return None if raw is None else str(raw)

    def activity(
        self,
        obj: str,
        record: Mapping[str, Any],
        now: datetime,
        contact_ids: list[str] | None = None,
    ) -> Activity | None:
        """The canonical activity, or None (counted) when the mapping must skip it."""
        translate = self.translators.activity(obj)
        return self._kept(*translate.pair(record, contact_ids=contact_ids, now=now))

    def task_state(
        self, record: Mapping[str, Any], crm_id: str, stamp: datetime | None, deal_id: str | None
    ) -> TaskState | None:
        """Our task's current state from its record (None if it carries no key)."""
        task = self.task
        if task is None:
            return None
        key = get_path(record, task.key)
        if not key:
            return None
        status = str(get_path(record, task.status) or "") if task.status else ""
        due_raw = get_path(record, task.due)
        edits: dict[str, str | None] = {"body": _text(get_path(record, task.body))}
        if task.priority:
            edits["priority"] = _priority(get_path(record, task.priority))
        if task.owner:
            edits["owner"] = _text(get_path(record, task.owner))
        return TaskState(
            key=str(key),
            crm_id=crm_id,
            deal_id=deal_id,
            subject=str(get_path(record, task.subject) or ""),
            due=_as_date(due_raw),
            status=status,
            completed=status.upper() == self.completed_status.upper(),
            modified_at=stamp,
            edits=edits,
            stamp=_text(get_path(record, task.stamp)) if task.stamp else None,
        )


def _text(raw: Any) -> str | None:
    return None if raw is None or str(raw) == "" else str(raw)


def _priority(raw: Any) -> str | None:
    """A CRM priority (Salesforce High/Normal/Low, HubSpot HIGH/MEDIUM/LOW) as low/normal/high."""
    level = str(raw or "").strip().casefold()
    if not level:
        return None
    if level == "high":
        return "high"
    return "low" if level in ("low", "none") else "normal"


def typed_read(kind: str, raw: Any) -> Any:
    """A raw CRM value (Salesforce JSON, HubSpot string) as a typed Python value."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == "boolean":
        return raw if isinstance(raw, bool) else str(raw).strip().lower() in ("true", "1", "yes")
    if kind == "date":
        return _as_date(raw)
    if kind == "datetime":
        try:
            return parse_ts(raw).replace(microsecond=0)
        except ValueError:
            return None
    return str(raw)


def _as_date(raw: Any) -> date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    text = str(raw)
    if len(text) == 10 and text[4] == "-":
        return date.fromisoformat(text)
    try:
        return parse_ts(text).date()
    except ValueError:
        return None
