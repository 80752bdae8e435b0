"""Run history: every run's report stored in ``runs``, read back by ``nextadvance runs``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from . import _tables as t
from ._db import StateStore

__all__ = ["StoredReport", "recent_runs", "store_report"]


class StoredReport(Protocol):
    """What history needs of a run report (the run's ``RunReport`` satisfies it).

    A protocol, so the store does not import the run layer that writes the reports.
    """

    run_id: int | None  # set here when the run had not opened a row

    @property
    def connection(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def finished_at(self) -> datetime | None: ...
    @property
    def status(self) -> str: ...
    @property
    def dry_run(self) -> bool: ...

    def to_json(self) -> dict[str, Any]: ...


def store_report(store: StateStore, report: StoredReport) -> None:
    """Save a finished report (updating the row the run opened at start, if any)."""
    with store.session() as s:
        if report.run_id is not None and not report.dry_run:
            row = s.get(t.Run, report.run_id)
            if row is not None:
                row.status = report.status
                row.finished_at = report.finished_at
                row.report = report.to_json()
                return
        row = t.Run(
            connection=report.connection,
            started_at=report.started_at,
            finished_at=report.finished_at,
            status=report.status,
            dry_run=report.dry_run,
            report={},
        )
        s.add(row)
        s.flush()
        report.run_id = row.id
        row.report = report.to_json()


def recent_runs(store: StateStore, connection: str | None, limit: int) -> list[dict[str, Any]]:
    """The newest ``limit`` stored reports (of one connection, or all), newest first."""
    with store.session() as s:
        q = sa.select(t.Run).order_by(t.Run.id.desc()).limit(limit)
        if connection:
            q = q.where(t.Run.connection == connection)
        out = []
        for row in s.scalars(q):
            data = dict(row.report or {})
            data.setdefault("run_id", row.id)
            data.setdefault("connection", row.connection)
            data.setdefault("status", row.status)
            data.setdefault("started_at", row.started_at.isoformat())
            out.append(data)
        return out
