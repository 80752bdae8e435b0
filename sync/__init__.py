"""The sync run (pull → decide → plan → push), state store, scheduler, settings, CLI, reports.

Rooms, each importing only the ones below it (an import-linter contract)::

    cli  >  serve | report  >  run  >  store  >  config

Public face for the rest of nextadvance (serve, cron, demo, benchmarks)::

    settings = load_settings("nextadvance.yaml")        # or None: $NEXTADVANCE_CONFIG
    report = run_sync(settings, "acme-sf", dry_run=False, full=False, progress=None)
    report.status  # "ok" | "partial" | "failed" | "locked"; report.to_json() for --json

The names below are loaded on first use (PEP 562): ``nextadvance --help`` and the commands
that need no state store or CRM then import neither (SQLAlchemy, Alembic, the CRM clients).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nextadvance._lazy import lazy_getattr

if TYPE_CHECKING:
    from .config import Connection, Settings, load_settings
    from .run import Progress, RunReport, run_sync
    from .store import ConnectionLocked, StateStore

#: public name -> the room it lives in
_HOME = {
    "Connection": ".config",
    "Settings": ".config",
    "load_settings": ".config",
    "Progress": ".run",
    "RunReport": ".run",
    "run_sync": ".run",
    "ConnectionLocked": ".store",
    "StateStore": ".store",
}

__all__ = [
    "Connection",
    "ConnectionLocked",
    "Progress",
    "RunReport",
    "Settings",
    "StateStore",
    "load_settings",
    "run_sync",
]


__getattr__ = lazy_getattr(__name__, _HOME)
