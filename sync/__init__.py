"""The sync run (pull → decide → plan → push), state store, scheduler, settings, CLI, reports.

Rooms, each importing only the ones below it (an import-linter contract)::

    cli  >  serve | report  >  run  >  store  >  config

Public face for the rest of nextadvance (serve, cron, demo, benchmarks)::

    settings = load_settings("nextadvance.yaml")        # or None: $NEXTADVANCE_CONFIG
    report = run_sync(settings, "acme-sf", dry_run=False, full=False, progress=None)
    report.status  # "ok" | "partial" | "failed" | "locked"; report.to_json() for --json
"""

from .config import Connection, Settings, load_settings
from .run import Progress, RunReport, run_sync
from .store import ConnectionLocked, StateStore

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
