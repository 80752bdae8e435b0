"""Which canonical stage a CRM (pipeline, stage) pair is, under the mapping in force *now*.

Why a function of its own: a deal's canonical stage is not a fact of the CRM record but of the
mapping, and the mapping changes (a stage renamed, a pipeline added, a misspelling fixed). The
sync keeps each deal's raw pipeline and stage in its mirror and asks this function again at
decide time, so a mapping edit takes effect on the next run without re-reading the CRM, and a
stage the mapping does not name is reported (file and key path) instead of dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from nextadvance.mappings._model import Mapping
from nextadvance.mappings._values import lookup_value

__all__ = ["UNMAPPED_STAGE", "StageLookup", "map_stage"]

#: The placeholder stage of a deal whose pipeline or stage the mapping does not name: such a
#: deal is mirrored (so a later mapping fix needs no re-read) but never decided.
UNMAPPED_STAGE = "(unmapped)"


@dataclass(frozen=True)
class StageLookup:
    """The canonical stage, or None with the problem (what is unmapped, where to add it)."""

    stage: str | None
    problem: str | None = None
    key_path: str | None = None


def map_stage(mapping: Mapping, pipeline: str | None, raw_stage: object) -> StageLookup:
    """The canonical stage of ``raw_stage`` in ``pipeline`` (exact, then loosely matched)."""
    where = f" in {mapping.source.name}" if mapping.source is not None else ""
    pipe_spec = mapping.pipelines.get(pipeline or "")
    if pipe_spec is None:
        known = ", ".join(mapping.pipelines) or "none"
        if mapping.ignore_pipelines is not None:
            return StageLookup(
                None,
                f"pipeline {pipeline!r} is neither mapped nor ignored{where} (mapped: {known}); "
                f"add it under pipelines: to decide its deals, or to ignore_pipelines: "
                f"to skip them",
                "ignore_pipelines",
            )
        return StageLookup(
            None,
            f"pipeline {pipeline!r} is not mapped{where} (mapped: {known}); "
            f"add it under pipelines:",
            "pipelines",
        )
    stage = lookup_value(pipe_spec.stages, raw_stage)
    if stage is None:
        return StageLookup(
            None,
            f"stage {raw_stage!r} of pipeline {pipeline!r} is not mapped{where}; "
            f"add it under pipelines.{pipeline}.stages",
            f"pipelines.{pipeline}.stages",
        )
    return StageLookup(stage)
