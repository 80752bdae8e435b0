"""The Salesforce :class:`~nextadvance.connectors.Connector` (work in progress: M1 skeleton)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from nextadvance.connectors._base import (
    Budget,
    CallStats,
    ConnectorConfig,
    Cursor,
    FieldInfo,
    PullBatch,
    StageInfo,
    System,
    TaskState,
    WriteOp,
    WriteResult,
)
from nextadvance.core.errors import FatalRemote

__all__ = ["SalesforceConnector"]


class SalesforceConnector:
    """Reads Opportunities/Tasks/Events and writes our fields and task to one Salesforce org."""

    system: System = "salesforce"

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config
        self.calls = CallStats()

    def stages(self) -> list[StageInfo]:
        """OpportunityStage metadata."""
        raise FatalRemote("not implemented yet")

    def describe(self) -> dict[str, list[FieldInfo]]:
        """Opportunity and Task fields."""
        raise FatalRemote("not implemented yet")

    def pull(self, cursor: Cursor | None = None) -> Iterator[PullBatch]:
        """Incremental read."""
        raise FatalRemote("not implemented yet")

    def apply(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """Batched writes."""
        raise FatalRemote("not implemented yet")

    def find_tasks(self, keys: Iterable[str]) -> dict[str, TaskState]:
        """Our tasks by key."""
        raise FatalRemote("not implemented yet")

    def budget(self) -> Budget:
        """Quota."""
        return Budget(used=None, limit=None, remaining=None, source="Sforce-Limit-Info")

    def close(self) -> None:
        """Release the session."""
