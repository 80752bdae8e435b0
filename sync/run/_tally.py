"""The run report's tallies that are not phases: planned writes, budget, undecidable deals.

Kept apart from the orchestrator (:mod:`._run`) so that file stays about the order of the
phases; each function here only fills in a :class:`RunReport`.
"""

from __future__ import annotations

from typing import Any

from nextadvance.connectors import Connector
from nextadvance.mappings import Mapping

from ..store._mirror import MirroredDeal
from ._plan import PlannedOp
from ._report import RunReport, UnmappedItem

__all__ = ["MAX_LISTED", "budget_of", "count_planned", "count_unmapped"]

#: at most this many items of one kind are listed in a report (the counts are exact)
MAX_LISTED = 200


def budget_of(conn: Connector) -> dict[str, Any] | None:
    """The CRM API budget for the report (None when the CRM cannot say: never fails a run)."""
    try:
        b = conn.budget()
    except Exception:
        return None
    return {"used": b.used, "limit": b.limit, "remaining": b.remaining, "source": b.source}


def count_unmapped(report: RunReport, mapping: Mapping, m: MirroredDeal) -> None:
    """Count and list an open deal whose pipeline or stage the mapping does not name.

    A pipeline the mapping leaves out is a choice (``mappings validate --live`` warns):
    its deals are counted per pipeline, not as open.  A mapping that has
    ``ignore_pipelines`` says which pipelines it leaves out on purpose: those are counted
    under ``pipelines_ignored``; any other unmapped pipeline is one ops have not decided
    about yet: counted under ``pipelines_left_out`` *and* each deal listed like an
    unmapped stage (the message names the file and the keys), so the run is ``partial``.
    A stage missing from a mapped pipeline is a mistake: the deal is listed and the run
    is ``partial``.
    """
    pipeline = m.deal.pipeline or "default"
    policy = mapping.pipeline_policy(pipeline)
    if policy in ("left_out", "ignored"):
        counts = report.pipelines_ignored if policy == "ignored" else report.pipelines_left_out
        counts[pipeline] = counts.get(pipeline, 0) + 1
        report.deals.other_pipelines += 1
        report.deals.open -= 1
        return
    if policy == "unlisted":
        left_out = report.pipelines_left_out
        left_out[pipeline] = left_out.get(pipeline, 0) + 1
        if pipeline not in report.pipelines_undecided:
            report.pipelines_undecided.append(pipeline)
    report.deals.unmapped += 1
    if len(report.unmapped) < MAX_LISTED:
        report.unmapped.append(
            UnmappedItem(
                deal=m.deal.id,
                name=m.deal.name,
                pipeline=m.deal.pipeline,
                stage=m.crm_stage,
                message=m.unmapped or "",
            )
        )


def count_planned(report: RunReport, ops: list[PlannedOp]) -> None:
    """In a dry run the counts say what *would* be written."""
    for op in ops:
        if op.counted == "fields":
            report.fields_updated += len(op.changes)
        else:
            setattr(report.tasks, op.counted, getattr(report.tasks, op.counted) + 1)
