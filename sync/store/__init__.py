"""store: the state store — database and migrations, tables, run lock, mirror, write ledger,
run history.

It owns its own row types (:mod:`._types`) and never imports the run layer above it.
"""

from . import _tables as tables
from ._db import StateStore, normalise_url, redact_url
from ._history import StoredReport, recent_runs, store_report
from ._ledger import Ledger, payload_hash
from ._lock import ConnectionLocked, RunLock
from ._mirror import Mirror, MirroredDeal, jsonable
from ._types import Conflict, Counted, LedgerView, PlannedOp, fields_key

__all__ = [
    "Conflict",
    "ConnectionLocked",
    "Counted",
    "Ledger",
    "LedgerView",
    "Mirror",
    "MirroredDeal",
    "PlannedOp",
    "RunLock",
    "StateStore",
    "StoredReport",
    "fields_key",
    "jsonable",
    "normalise_url",
    "payload_hash",
    "recent_runs",
    "redact_url",
    "store_report",
    "tables",
]
