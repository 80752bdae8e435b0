"""The targets file, as the report reads it: the loader lives in :mod:`..config._targets`
(a sync run writes the prospecting task from the same file, and ``run`` may not import
``report``)."""

from ..config._targets import RepGoals, Targets, load_targets, zone

__all__ = ["RepGoals", "Targets", "load_targets", "zone"]
