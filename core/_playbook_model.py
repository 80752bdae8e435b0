"""The playbook as validated data: stages, micro-objectives, segments, advances, thresholds.

The playbook is data a team edits (YAML, loaded by :mod:`nextadvance.mappings.playbook`);
these frozen models are its checked, in-memory form.  Cross-references (objective ids used by
advances, stages named by segment overrides and the lexicon) are checked here, once, so the
engine can trust them on every call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, model_validator

from nextadvance.core._lexicon_model import Lexicon
from nextadvance.core.models import ActivityKind, Outcome

if TYPE_CHECKING:
    from nextadvance.core._compiled import CompiledPlaybook

__all__ = [
    "ActivityEvidence",
    "Advance",
    "EvidenceRule",
    "Objective",
    "ObjectiveOverride",
    "Playbook",
    "PriorityWeights",
    "Segment",
    "SizeBand",
    "Stage",
    "Thresholds",
]

#: Canonical contact roles a mapping may produce (documented in docs/playbook.md).
CONTACT_ROLES = (
    "decision_maker",
    "economic_buyer",
    "champion",
    "technical_buyer",
    "influencer",
    "legal",
    "procurement",
    "user",
    "other",
)


#: Activity kinds whose text counts as what the client said or wrote (tasks are our to-dos).
TEXT_KINDS = (ActivityKind.call, ActivityKind.meeting, ActivityKind.note, ActivityKind.email)


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ActivityEvidence(_M):
    """An activity that proves an objective: kind, outcome and optionally who took part."""

    kinds: tuple[ActivityKind, ...] = (ActivityKind.meeting,)
    outcomes: tuple[Outcome, ...] = (Outcome.completed,)
    with_roles: tuple[str, ...] = ()


class EvidenceRule(_M):
    """One way an objective can be proved; exactly one of field/role/activity/keywords is set.

    Any one rule of an objective proving it is enough (rules are alternatives, OR).
    """

    field: str | None = None
    op: Literal["non_empty", "truthy", "equals", "in"] = "non_empty"
    value: str | int | float | bool | None = None
    values: tuple[str | int | float | bool, ...] = ()
    role: str | None = None
    activity: ActivityEvidence | None = None
    keywords: tuple[str, ...] = ()
    kinds: tuple[ActivityKind, ...] = TEXT_KINDS

    @model_validator(mode="after")
    def _exactly_one(self) -> EvidenceRule:
        set_ = [
            n
            for n, v in (
                ("field", self.field),
                ("role", self.role),
                ("activity", self.activity),
                ("keywords", self.keywords or None),
            )
            if v is not None
        ]
        if len(set_) != 1:
            raise ValueError(
                "an evidence rule needs exactly one of field, role, activity, keywords"
                f" (found {', '.join(set_) or 'none'})"
            )
        if self.field is not None:
            if self.op == "equals" and self.value is None:
                raise ValueError("op 'equals' needs a 'value'")
            if self.op == "in" and not self.values:
                raise ValueError("op 'in' needs a non-empty 'values' list")
        return self


class Objective(_M):
    """A micro-objective: one piece of knowledge needed before the deal can honestly move on."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    essential: bool = True
    evidence: tuple[EvidenceRule, ...] = Field(min_length=1)
    questions: tuple[str, ...] = ()


class Advance(_M):
    """A client action to close for; ``requires`` lists objectives that must be learned first."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    level: Literal["stretch", "conservative"]
    requires: tuple[str, ...] = ()
    requires_roles: tuple[str, ...] = ()


class Stage(_M):
    """One canonical stage: its order, norm (days), objectives and advance catalog."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = ""
    closed: Literal["won", "lost"] | None = None
    stall_days: int = Field(default=30, ge=1)
    objectives: tuple[Objective, ...] = ()
    advances: tuple[Advance, ...] = ()


class SizeBand(_M):
    """A company-size band by employee count (inclusive bounds; ``max`` None = no upper bound)."""

    id: str
    min: int = Field(default=0, ge=0)
    max: int | None = None


class ObjectiveOverride(_M):
    """An objective a segment adds to a stage."""

    stage: str
    objective: Objective


class Segment(_M):
    """Changes to the objective set for deals whose account matches (industry and/or size).

    ``industries`` are matched case-insensitively against ``account.industry`` (exact or as
    a whole word inside it); ``size_bands`` name :class:`SizeBand` ids.  When both are given
    both must match.
    """

    id: str
    industries: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()
    add: tuple[ObjectiveOverride, ...] = ()
    remove: tuple[str, ...] = ()
    set_essential: dict[str, bool] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _has_match(self) -> Segment:
        if not self.industries and not self.size_bands:
            raise ValueError("a segment needs 'industries' or 'size_bands' to match on")
        return self


class Thresholds(_M):
    """Numbers that tune the engine: stalls, call agenda length, close horizon."""

    stall_continuations: int = Field(default=3, ge=1)
    max_learn: int = Field(default=3, ge=1)
    max_questions: int = Field(default=4, ge=1)
    close_horizon_days: int = Field(default=90, ge=1)
    amount_reference: float = Field(default=100_000.0, gt=0)
    conversation_kinds: tuple[ActivityKind, ...] = (
        ActivityKind.call,
        ActivityKind.meeting,
        ActivityKind.email,
    )
    commitment_keywords: tuple[str, ...] = ()


class PriorityWeights(_M):
    """Weights of the priority score's terms (see docs/playbook.md for the formula)."""

    amount: float = Field(default=3.0, ge=0)
    close_date: float = Field(default=3.0, ge=0)
    stall: float = Field(default=2.0, ge=0)
    missing_essentials: float = Field(default=2.0, ge=0)
    stage_gap: float = Field(default=1.0, ge=0)


class Playbook(_M):
    """The whole playbook: ordered stages, size bands, segments, thresholds and the lexicon."""

    version: int = 1
    stages: tuple[Stage, ...] = Field(min_length=1)
    size_bands: tuple[SizeBand, ...] = ()
    segments: tuple[Segment, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    thresholds: Thresholds = Thresholds()
    priority: PriorityWeights = PriorityWeights()
    lexicon: Lexicon = Lexicon()
    _compiled: CompiledPlaybook | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _cross_references(self, info: ValidationInfo) -> Playbook:
        if isinstance(info.context, dict) and info.context.get("defer_references"):
            return self
        problems = list(self.reference_problems())
        if problems:
            raise ValueError("; ".join(msg for _, msg in problems))
        return self

    def reference_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Dangling references as (key path, message), for located errors by the loader."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        stage_keys = [s.key for s in self.stages]
        seen_stage: set[str] = set()
        all_objectives: set[str] = set()
        for i, stage in enumerate(self.stages):
            if stage.key in seen_stage:
                out.append((("stages", i, "key"), f"stage '{stage.key}' is defined twice"))
            seen_stage.add(stage.key)
            ids = [o.id for o in stage.objectives]
            for j, oid in enumerate(ids):
                if oid in all_objectives:
                    out.append(
                        (("stages", i, "objectives", j, "id"), f"objective '{oid}' defined twice")
                    )
                all_objectives.add(oid)
        stage_objectives = set(all_objectives)
        for i, seg in enumerate(self.segments):
            for k, ov in enumerate(seg.add):
                if ov.objective.id in stage_objectives:
                    out.append(
                        (
                            ("segments", i, "add", k, "objective", "id"),
                            f"objective '{ov.objective.id}' is already defined by a stage"
                            " (use set_essential to change it)",
                        )
                    )
                all_objectives.add(ov.objective.id)
        visible: set[str] = set()
        for i, stage in enumerate(self.stages):
            visible.update(o.id for o in stage.objectives)
            visible_here = visible | {
                ov.objective.id for seg in self.segments for ov in seg.add if ov.stage == stage.key
            }
            for j, adv in enumerate(stage.advances):
                for k, req in enumerate(adv.requires):
                    if req not in all_objectives:
                        out.append(
                            (
                                ("stages", i, "advances", j, "requires", k),
                                f"advance '{adv.id}' requires unknown objective '{req}'",
                            )
                        )
                    elif req not in visible_here:
                        out.append(
                            (
                                ("stages", i, "advances", j, "requires", k),
                                f"advance '{adv.id}' requires objective '{req}' of a later stage",
                            )
                        )
                for k, role in enumerate(adv.requires_roles):
                    if role not in CONTACT_ROLES:
                        out.append(
                            (
                                ("stages", i, "advances", j, "requires_roles", k),
                                f"unknown contact role '{role}'",
                            )
                        )
        bands = {b.id for b in self.size_bands}
        for i, seg in enumerate(self.segments):
            for k, band in enumerate(seg.size_bands):
                if band not in bands:
                    out.append((("segments", i, "size_bands", k), f"unknown size band '{band}'"))
            for k, ov in enumerate(seg.add):
                if ov.stage not in stage_keys:
                    out.append((("segments", i, "add", k, "stage"), f"unknown stage '{ov.stage}'"))
            for k, rid in enumerate(seg.remove):
                if rid not in all_objectives:
                    out.append((("segments", i, "remove", k), f"unknown objective '{rid}'"))
            for rid in seg.set_essential:
                if rid not in all_objectives:
                    out.append(
                        (("segments", i, "set_essential", rid), f"unknown objective '{rid}'")
                    )
        for path, ref in self.lexicon.stage_references():
            if ref not in stage_keys:
                out.append((("lexicon", *path), f"unknown stage '{ref}'"))
        return out

    @property
    def stage_keys(self) -> tuple[str, ...]:
        """Stage keys in pipeline order."""
        return tuple(s.key for s in self.stages)

    @property
    def compiled(self) -> CompiledPlaybook:
        """The precompiled form the engine uses (regexes, lookups), built once per playbook.

        Kept in a private attribute and checked to belong to this very instance, so a
        ``model_copy(update=...)`` never runs on its original's stale compilation.
        """
        private = self.__pydantic_private__  # direct slot access: this runs once per deal
        cached = private.get("_compiled") if private is not None else None
        if cached is None or cached.playbook is not self:
            from nextadvance.core._compiled import CompiledPlaybook

            cached = CompiledPlaybook(self)
            self._compiled = cached
        return cached
