"""run: one sync run — lock, pull, decide, plan (pure), push, report.

:func:`run_sync` is the entry point; :mod:`._parts` builds the connector, mapping and playbook
of a connection; :mod:`._plan` is the pure comparison of desired, written and observed values.
"""

from ._parts import Parts, connector_config, load_parts, make_connector
from ._plan import Planned, norm, plan_deal
from ._push import push, recheck
from ._report import ApiCalls, ConflictItem, DiffItem, RejectItem, RunReport, TaskCounts
from ._run import Progress, run_sync

__all__ = [
    "ApiCalls",
    "ConflictItem",
    "DiffItem",
    "Parts",
    "Planned",
    "Progress",
    "RejectItem",
    "RunReport",
    "TaskCounts",
    "connector_config",
    "load_parts",
    "make_connector",
    "norm",
    "plan_deal",
    "push",
    "recheck",
    "run_sync",
]
