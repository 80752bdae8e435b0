"""The run report: what one sync run read, decided, wrote, skipped and why.

It is the machine-readable output of ``nextadvance sync --json``, the row stored in run
history (``nextadvance runs``), and what ``serve`` turns into metrics.  Field names are a
public contract (docs/state-store.md), so add fields, never rename them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ApiCalls",
    "ConflictItem",
    "DealCounts",
    "DiffItem",
    "ProspectingSummary",
    "RejectItem",
    "RunReport",
    "RunStatus",
    "TaskCounts",
    "UnmappedItem",
]

RunStatus = Literal["ok", "partial", "failed", "locked"]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApiCalls(_M):
    """CRM requests sent during the run (retries included), split by kind and endpoint."""

    total: int = 0
    reads: int = 0
    writes: int = 0
    retries: int = 0
    by_endpoint: dict[str, int] = Field(default_factory=dict)


class DealCounts(_M):
    """Deals read from the CRM, open in the mirror, decided, parked and removed."""

    pulled: int = 0
    open: int = 0
    decided: int = 0
    #: of the decided: write-backs kept from an earlier run, their deal, rules and time
    #: class unchanged (``_reuse``)
    reused: int = 0
    parked: int = 0
    deleted: int = 0
    failed: int = 0
    #: open deals not decided because their stage is not in their pipeline's mapping
    unmapped: int = 0
    #: deals in pipelines the mapping leaves out (deliberately: not counted as open)
    other_pipelines: int = 0


class TaskCounts(_M):
    """What happened to our one-per-deal suggested tasks."""

    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0


class ProspectingSummary(_M):
    """The reps' prospecting tasks (connections with ``prospecting:`` only)."""

    #: owner ids with a task for today
    reps: list[str] = Field(default_factory=list)
    #: owner ids whose today is not a working day (no task; an open one is closed)
    day_off: list[str] = Field(default_factory=list)
    #: reps of the targets file whose owner id owns no mirrored deal or activity
    unknown_reps: list[str] = Field(default_factory=list)


class RejectItem(_M):
    """One record the CRM refused, with its own code; retried next run."""

    record: str
    field: str | None = None
    code: str | None = None
    message: str = ""


class ConflictItem(_M):
    """A human edit we did not overwrite: our last write, their current value."""

    record: str
    deal: str
    field: str
    ours: Any = None
    theirs: Any = None


class UnmappedItem(_M):
    """An open deal the run could not decide: its pipeline or stage is not in the mapping."""

    deal: str
    name: str = ""
    pipeline: str | None = None
    stage: str | None = None
    message: str = ""


class DiffItem(_M):
    """One planned write (printed by ``--dry-run``): record, what and the values."""

    deal: str
    op: str
    key: str
    changes: dict[str, Any] = Field(default_factory=dict)


class RunReport(_M):
    """The report of one run (see the module docstring)."""

    run_id: int | None = None
    connection: str
    crm: str | None = None
    started_at: datetime
    finished_at: datetime | None = None
    status: RunStatus = "ok"
    dry_run: bool = False
    full: bool = False
    message: str | None = None
    api_calls: ApiCalls = Field(default_factory=ApiCalls)
    deals: DealCounts = Field(default_factory=DealCounts)
    activities_pulled: int = 0
    tasks: TaskCounts = Field(default_factory=TaskCounts)
    fields_updated: int = 0
    reconciled: int = 0
    conflicts: list[ConflictItem] = Field(default_factory=list)
    rejects: list[RejectItem] = Field(default_factory=list)
    #: open deals left undecided because their pipeline's mapping lacks their stage
    unmapped: list[UnmappedItem] = Field(default_factory=list)
    #: pipelines the mapping leaves out -> how many deals the run skipped in each
    pipelines_left_out: dict[str, int] = Field(default_factory=dict)
    #: pipelines the mapping lists under ignore_pipelines -> deals skipped in each (by choice)
    pipelines_ignored: dict[str, int] = Field(default_factory=dict)
    #: pipelines in neither pipelines nor ignore_pipelines (a mapping with that key): their
    #: open deals are listed under ``unmapped`` and the run is ``partial`` until ops decide
    pipelines_undecided: list[str] = Field(default_factory=list)
    #: CRM records the mapping could not (fully) translate: record, field and why (first 200)
    problems: list[str] = Field(default_factory=list)
    budget: dict[str, Any] | None = None
    diff: list[DiffItem] = Field(default_factory=list)
    prospecting: ProspectingSummary | None = None

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to finish (None while running)."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def tasks_written(self) -> int:
        """Task writes sent (created + updated + closed), for metrics."""
        return self.tasks.created + self.tasks.updated + self.tasks.closed

    @property
    def fields_written(self) -> int:
        """Deal field values written, for metrics."""
        return self.fields_updated

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``--json`` and run history); ``diff`` only when writes were held back."""
        data = self.model_dump(mode="json")
        if not self.dry_run and not self.diff:
            data.pop("diff", None)
        if self.prospecting is None:
            data.pop("prospecting", None)
        for key in ("pipelines_ignored", "pipelines_undecided"):
            if not data.get(key):
                data.pop(key, None)
        return data
