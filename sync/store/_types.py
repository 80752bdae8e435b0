"""The rows the store keeps for the planner, as plain data the store owns.

The planner (``run``) reads :class:`LedgerView` rows and hands back :class:`PlannedOp` writes
and :class:`Conflict` findings for the ledger to record; defining them here keeps the
dependency one way (run imports store, never the reverse).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from nextadvance.connectors import WriteOp

__all__ = ["Conflict", "Counted", "LedgerView", "PlannedOp", "fields_key"]

Counted = Literal["created", "updated", "closed", "fields"]


def fields_key(deal_id: str) -> str:
    """Ledger key of a deal's write-back field set."""
    return f"fields:{deal_id}"


@dataclass(frozen=True)
class LedgerView:
    """A ledger row as the planner sees it (plain data, built by the ledger)."""

    key: str
    kind: Literal["fields", "task"]
    deal_id: str
    status: str
    payload: Mapping[str, Any]
    written: Mapping[str, Any] | None
    observed: Mapping[str, Any] | None = None
    crm_id: str | None = None


@dataclass(frozen=True)
class PlannedOp:
    """One write to send, the ledger payload it records, and how the report counts it."""

    write: WriteOp
    kind: Literal["fields", "task"]
    payload: dict[str, Any]
    counted: Counted
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    """A value a person changed after we wrote it; we leave theirs."""

    deal_id: str
    key: str
    field: str
    ours: Any
    theirs: Any
