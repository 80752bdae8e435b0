"""The connector protocol: everything above ``nextadvance.connectors`` sees only this.

A connector reads a CRM incrementally as a stream of :class:`PullBatch` es (canonical deals and
activities, deletions, and the cursor that is safe to commit *with* that batch), writes back
through :meth:`Connector.apply` with one :class:`WriteResult` per :class:`WriteOp`, and reports
what it cost (:class:`CallStats`, :class:`Budget`).  No CRM vocabulary leaks out except CRM
ids, CRM field names of our own write-back fields, and CRM stage/pipeline ids in
:class:`StageInfo`; the sync layer stays the same for Salesforce and HubSpot.

These types are deliberately plain frozen dataclasses (no I/O, no library types), so the
state store can persist them and tests can build them by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal, Protocol, runtime_checkable

from nextadvance.connectors._config import ConnectorConfig, Credentials, Limits, System
from nextadvance.connectors._stats import Budget, CallEvent, CallStats
from nextadvance.core.models import Activity, Deal

__all__ = [
    "ActivityRecord",
    "Budget",
    "CallEvent",
    "CallStats",
    "Connector",
    "ConnectorConfig",
    "Credentials",
    "Cursor",
    "DealRecord",
    "FieldInfo",
    "Limits",
    "PullBatch",
    "StageInfo",
    "System",
    "TaskSpec",
    "TaskState",
    "WriteKind",
    "WriteOp",
    "WriteResult",
]

#: An opaque, JSON-serialisable pull position.  The sync layer stores it verbatim next to the
#: mirror rows of the batch that carried it and hands it back to :meth:`Connector.pull`.
Cursor = dict[str, Any]


# --------------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class StageInfo:
    """One pipeline stage as the CRM defines it (Salesforce OpportunityStage, HubSpot stage).

    ``id`` is what a deal record carries (Salesforce ``StageName`` API value, HubSpot
    ``dealstage`` id); ``probability`` is 0.0-1.0 on both CRMs.
    """

    pipeline: str
    id: str
    label: str
    order: int
    probability: float | None = None
    is_closed: bool = False
    is_won: bool = False
    active: bool = True
    #: the pipeline's name for people (HubSpot pipeline label), when the CRM has one
    pipeline_label: str | None = None


@dataclass(frozen=True)
class FieldInfo:
    """One field/property of a CRM object, enough for ``mappings validate --live`` and setup.

    ``type`` is the CRM's own type name (Salesforce ``string``/``picklist``/..., HubSpot
    ``string``/``enumeration``/...); ``picklist`` holds the allowed API values, if any.
    """

    name: str
    label: str
    type: str
    writable: bool
    length: int | None = None
    picklist: tuple[str, ...] = ()
    unique: bool = False
    external_id: bool = False
    custom: bool = False


# --------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class TaskState:
    """Our own suggested task as the CRM holds it now, found by its idempotency key.

    ``subject``/``due``/``status`` are the CRM's current values, so the planner can see a
    human edit (a changed subject, a moved due date, a task closed by the rep).  ``edits``
    holds the other fields a person can change, in CRM-neutral terms, for the ones the
    mapping maps: ``body``, ``priority`` (low/normal/high) and ``owner``; ``stamp`` is the
    hidden hash of what we last wrote (None when the mapping keeps none).
    """

    key: str
    crm_id: str
    deal_id: str | None
    subject: str
    due: date | None
    status: str
    completed: bool
    modified_at: datetime | None = None
    deleted: bool = False
    edits: Mapping[str, str | None] = field(default_factory=dict)
    stamp: str | None = None


@dataclass(frozen=True)
class DealRecord:
    """One changed deal: canonical form plus what the planner needs to write safely.

    ``deal`` has contacts/roles but no activities (those stream as :class:`ActivityRecord`);
    it is None when the mapping could not translate the record (the connector's ``problems``
    say why).  ``writeback`` holds the CRM's *current* values of our write-back fields, keyed
    by CRM field name, typed like ``WritebackPlan.deal_fields`` (str, bool, date, datetime to
    the second in UTC; empty is None), so a human edit since our last write is visible.
    ``crm_stage`` is the CRM's own stage value: the mirror keeps it so that a changed stage
    mapping re-stages the deal on the next run without reading the CRM again (a deal whose
    stage is not mapped has ``deal.stage == UNMAPPED_STAGE``).
    """

    crm_id: str
    modified_at: datetime
    deal: Deal | None
    writeback: Mapping[str, Any] = field(default_factory=dict)
    deleted: bool = False
    crm_stage: str | None = None


@dataclass(frozen=True)
class ActivityRecord:
    """One changed activity with the deals it is linked to (links travel with the activity).

    ``task`` is set when the activity is one of our own suggested tasks (it carries our
    idempotency key), so human edits to it and its completion are visible to the planner.
    """

    crm_id: str
    modified_at: datetime
    deal_ids: tuple[str, ...]
    activity: Activity | None
    deleted: bool = False
    task: TaskState | None = None


@dataclass(frozen=True)
class PullBatch:
    """A slice of the change stream and the cursor that is safe to commit *with* it.

    Committing ``cursor`` in the same transaction as the batch's records gives at-least-once
    reading: a crash before the commit re-reads the batch, never skips it.  Records may repeat
    across batches and runs (overlap windows); consumers de-duplicate by
    ``(crm_id, modified_at)`` and keep the newest.
    """

    cursor: Cursor
    deals: tuple[DealRecord, ...] = ()
    activities: tuple[ActivityRecord, ...] = ()
    deleted_deal_ids: tuple[str, ...] = ()
    deleted_activity_ids: tuple[str, ...] = ()
    full: bool = False


# --------------------------------------------------------------------------- writes


class WriteKind(StrEnum):
    """What a :class:`WriteOp` does."""

    #: Set our write-back fields on a deal (``WriteOp.fields``).
    update_deal = "update_deal"
    #: Create or update our one suggested task on a deal, keyed by ``WriteOp.key``.
    upsert_task = "upsert_task"
    #: Mark our suggested task completed (no-op result ``ok`` if it no longer exists).
    close_task = "close_task"
    #: Create or update a rep-level task (the day's prospecting blocks), keyed by
    #: ``WriteOp.key`` like ``upsert_task`` but linked to no deal: ``WriteOp.deal_id`` is
    #: only the ledger's handle (``rep:<owner id>``) and ``TaskSpec.owner_id`` the rep.
    #: Closed with ``close_task`` like any task of ours.
    upsert_rep_task = "upsert_rep_task"


@dataclass(frozen=True)
class TaskSpec:
    """The desired state of our suggested task, in CRM-neutral terms.

    The connector renders it (Salesforce ``ActivityDate`` as a date, HubSpot ``hs_timestamp``
    as a morning moment of ``due`` in ``due_tz``, status values per CRM) and links it to the deal.  ``fields``
    are extra CRM fields already rendered by the mapping (``TaskPlan.fields``); the
    connector's own rendering of subject/body/due/status/key/link wins over them.
    """

    subject: str
    body: str = ""
    due: date | None = None
    #: the IANA zone ``due`` is a day of (the task owner's); None = UTC
    due_tz: str | None = None
    completed: bool = False
    owner_id: str | None = None
    priority: Literal["low", "normal", "high"] = "normal"
    fields: Mapping[str, Any] = field(default_factory=dict)
    #: None: a create, every part is sent.  Else an update of an existing task that sends
    #: only these parts (``subject``, ``body``, ``due``, ``priority``, ``owner``, ``status``):
    #: parts a rep changed, and the status of a task that stays open, are never sent.
    only: frozenset[str] | None = None
    #: The write stamp (a short hash of each part we wrote), for the mapping's stamp field.
    stamp: str | None = None


@dataclass(frozen=True)
class WriteOp:
    """One intended write, carrying the idempotency key the write-ahead ledger recorded.

    For ``upsert_task``/``close_task`` ``key`` is stored in the CRM (Salesforce external id
    ``NA_Key__c``, HubSpot unique property ``na_task_key``), so a replayed create updates
    instead of duplicating.  ``fields`` (``update_deal``) is keyed by CRM field name with
    Python values as rendered by the mapping; ``crm_id`` is the task id when already known.
    """

    kind: WriteKind
    key: str
    deal_id: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    task: TaskSpec | None = None
    crm_id: str | None = None


@dataclass(frozen=True)
class WriteResult:
    """The CRM's answer for one :class:`WriteOp` (same order as the ops given to apply).

    ``retryable`` says whether sending the same op again later may succeed (lock contention,
    rate limit, outage); a non-retryable failure is a reject to report, with the CRM's
    ``error_code``, ``message`` and offending ``field`` when it named one.  ``unknown``: the
    call got no answer (a timeout, a dropped reply, a 5xx), so the CRM may have applied it;
    the ledger keeps such a write pending and the next run looks it up, as after a crash.
    """

    key: str
    ok: bool
    crm_id: str | None = None
    created: bool = False
    error_code: str | None = None
    message: str | None = None
    field: str | None = None
    retryable: bool = False
    unknown: bool = False


# --------------------------------------------------------------------------- protocol


@runtime_checkable
class Connector(Protocol):
    """One CRM connection, as the sync layer drives it.

    Every method raises only the error tree of :mod:`nextadvance.core.errors`:
    :class:`~nextadvance.core.errors.Retryable` after the built-in retries gave up,
    :class:`~nextadvance.core.errors.QuotaExhausted` (stop, keep the cursor),
    :class:`~nextadvance.core.errors.AuthError` (after one refresh), or
    :class:`~nextadvance.core.errors.FatalRemote`.  Per-record refusals are never raised by
    :meth:`apply`; they come back as failed :class:`WriteResult` s.
    """

    system: System
    calls: CallStats

    def stages(self) -> list[StageInfo]:
        """All pipeline stages (all pipelines), ordered by pipeline then stage order."""
        ...

    def describe(self) -> dict[str, list[FieldInfo]]:
        """Fields/properties of the objects the connector reads and writes, by object name."""
        ...

    def pull(self, cursor: Cursor | None = None) -> Iterator[PullBatch]:
        """Stream changes since ``cursor`` (None: everything) as batches, oldest first.

        The last batch's cursor is the new committed position; an interrupted iteration
        resumes from the cursor of the last batch the caller committed.
        """
        ...

    def apply(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """Send writes in as few batched calls as possible; one result per op, in order."""
        ...

    def find_tasks(self, keys: Iterable[str]) -> dict[str, TaskState]:
        """Our suggested tasks by idempotency key (missing keys are absent from the dict)."""
        ...

    def budget(self) -> Budget:
        """API quota as last reported by the CRM (no extra call when a response told us)."""
        ...

    def close(self) -> None:
        """Release HTTP sessions; the connector must not be used afterwards."""
        ...
