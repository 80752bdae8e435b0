"""What a connector's requests cost: per-request events, counters, and the CRM's quota.

Kept apart from the protocol so configuration (which takes a metrics hook) and the transport
layer can use them without importing the protocol.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

__all__ = ["Budget", "CallEvent", "CallStats"]


@dataclass(frozen=True)
class Budget:
    """API quota as the CRM last reported it; ``None`` where the CRM has not said yet."""

    used: int | None
    limit: int | None
    remaining: int | None
    source: str
    run_calls: int = 0
    run_allowance: int | None = None


@dataclass(frozen=True)
class CallEvent:
    """One HTTP request sent to the CRM, for the metrics hook (retries are separate events)."""

    system: str
    endpoint: str
    write: bool
    status: int | None
    seconds: float
    retry: bool = False


class CallStats:
    """Thread-safe request counters per endpoint, split into reads and writes.

    ``endpoint`` names are stable, low-cardinality labels such as ``"query"``,
    ``"composite.sobjects.upsert"`` or ``"deals.search"`` (never ids or tokens).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_endpoint: dict[str, int] = {}
        self.reads = 0
        self.writes = 0
        self.retries = 0
        self.errors = 0

    def record(self, event: CallEvent) -> None:
        """Count one request."""
        with self._lock:
            self.by_endpoint[event.endpoint] = self.by_endpoint.get(event.endpoint, 0) + 1
            if event.write:
                self.writes += 1
            else:
                self.reads += 1
            if event.retry:
                self.retries += 1
            if event.status is None or event.status >= 400:
                self.errors += 1

    @property
    def total(self) -> int:
        """All requests sent (reads + writes, retries included)."""
        return self.reads + self.writes

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able copy for the run report."""
        with self._lock:
            return {
                "total": self.reads + self.writes,
                "reads": self.reads,
                "writes": self.writes,
                "retries": self.retries,
                "errors": self.errors,
                "by_endpoint": dict(sorted(self.by_endpoint.items())),
            }

    def __repr__(self) -> str:
        return f"CallStats(reads={self.reads}, writes={self.writes}, retries={self.retries})"
