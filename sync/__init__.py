"""The sync run (pull → decide → plan → push), state store, scheduler, settings, CLI, reports.

Public face for the rest of nextadvance (serve, cron, demo, benchmarks)::

    settings = load_settings("nextadvance.yaml")        # or None: $NEXTADVANCE_CONFIG
    report = run_sync(settings, "acme-sf", dry_run=False, full=False, progress=None)
    report.status  # "ok" | "partial" | "failed" | "locked"; report.to_json() for --json
"""

from nextadvance.sync._lock import ConnectionLocked
from nextadvance.sync._run import Progress, run_sync
from nextadvance.sync._runreport import RunReport
from nextadvance.sync._settings import Connection, Settings, load_settings
from nextadvance.sync._store import StateStore

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
