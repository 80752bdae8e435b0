"""The playbook as validated data: stages, micro-objectives, segments, advances, thresholds.

The playbook is data a team edits (YAML, loaded by :mod:`nextadvance.mappings.playbook`);
these frozen models are its checked, in-memory form.  Cross-references (objective ids used by
advances, stages named by segment overrides and the lexicon) are checked once, on load
(:mod:`._playbook_checks`), so the engine can trust them on every call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from nextadvance.core._calendar import days_off
from nextadvance.core._lexicon_model import Lexicon
from nextadvance.core._playbook_checks import CONTACT_ROLES, reference_problems
from nextadvance.core._wording_model import SoloWording, Wording
from nextadvance.core.models import ActivityKind, Outcome

if TYPE_CHECKING:
    from nextadvance.core._compiled import CompiledPlaybook

__all__ = [
    "CONTACT_ROLES",
    "ActivityEvidence",
    "Advance",
    "EvidenceRule",
    "Objective",
    "ObjectiveOverride",
    "Playbook",
    "PriorityWeights",
    "Recovery",
    "Segment",
    "SizeBand",
    "Stage",
    "Thresholds",
]

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


class Advance(_M):
    """A client action to close for; ``requires`` lists objectives that must be learned first.

    The strings are templates filled per deal (docs/playbook.md): ``text`` the commitment,
    ``subject`` the task subject, ``ask`` the close said to the client, ``goal`` what the
    opening line proposes to agree.  When a role of ``requires_roles`` is missing on the
    deal, the advance becomes "find that person first" (``wording.find_*``).  ``actor``
    names the role whose holder acts (default: the deal's main contact).
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    level: Literal["stretch", "conservative"]
    requires: tuple[str, ...] = ()
    requires_roles: tuple[str, ...] = ()
    subject: str = ""
    ask: str = ""
    goal: str = ""
    actor: str | None = None
    #: the words when ``{who}`` would be the person a role of ``text`` names (one contact
    #: in two roles); without it, another contact acts when the deal has one
    solo: SoloWording | None = None
    #: days from now the client commits to (moved off weekends, capped by the close date)
    days: int = Field(default=7, ge=1, le=120)


class Recovery(Advance):
    """The advance that gets one objective unstuck, taken instead of the stage's stretch.

    It is closed for when the objective's answer came back negative ("no budget"), or
    when the deal has moved past the objective's stage without it; it has no ``requires``
    (the objective blocking the deal is why it is chosen) and is always a stretch.
    """

    level: Literal["stretch"] = "stretch"


class Objective(_M):
    """A micro-objective: one piece of knowledge needed before the deal can honestly move on."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    essential: bool = True
    evidence: tuple[EvidenceRule, ...] = Field(min_length=1)
    questions: tuple[str, ...] = ()
    #: learned objectives that make this one self-evident (not asked once any is learned)
    implied_by: tuple[str, ...] = ()
    #: a stage from which on this objective is taken as met (no first-call question in
    #: negotiation just because no first call was logged)
    implied_from_stage: str | None = None
    #: the question to ask when the answer came back negative (e.g. no budget)
    if_negative: str | None = None
    #: the bad news in a few words, for the task's first line ("No budget yet"); without
    #: it the line quotes the title (``wording.negative_fallback``)
    negative_title: str | None = None
    #: asked first when the close date is near (timeline, approvals, signing)
    time_critical: bool = False
    #: what to close for while this objective blocks the deal (negative, or missing past
    #: its stage), instead of the stage's stretch (``core._callplan``)
    recovery: Recovery | None = None


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


Urgency = Literal["high", "normal", "low"]


def _default_due_days() -> dict[Urgency, int]:
    return {"high": 1, "normal": 2, "low": 5}


class Thresholds(_M):
    """Numbers that tune the engine: stalls, call agenda length, close horizon."""

    stall_continuations: int = Field(default=3, ge=1)
    max_learn: int = Field(default=3, ge=1)
    max_questions: int = Field(default=3, ge=1)
    close_horizon_days: int = Field(default=90, ge=1)
    amount_reference: float = Field(default=100_000.0, gt=0)
    conversation_kinds: tuple[ActivityKind, ...] = (
        ActivityKind.call,
        ActivityKind.meeting,
        ActivityKind.email,
    )
    commitment_keywords: tuple[str, ...] = ()
    #: close-date realism: days of work one open essential needs at least
    days_per_essential: int = Field(default=5, ge=0)
    #: the close date counts as near within this many days (time-critical questions first)
    close_soon_days: int = Field(default=30, ge=0)
    #: task urgency from the priority score: high at or above, low below
    high_priority: float = Field(default=60.0, ge=0, le=100)
    low_priority: float = Field(default=35.0, ge=0, le=100)
    #: words the task body aims to stay under (questions are dropped first, one stays)
    task_words: int = Field(default=85, ge=20)
    #: business days until the task is due, by urgency, when no client meeting is booked
    due_business_days: dict[Urgency, int] = Field(default_factory=_default_due_days)
    #: an advance is dated at least this many working days after today, close date or not
    min_lead_business_days: int = Field(default=2, ge=0, le=20)
    #: days besides weekends nobody is asked to act on: ``MM-DD`` (yearly), ``YYYY-MM-DD``
    #: (once), or a range ``A..B`` of either; the default skips 24 December to 1 January
    holidays: tuple[str, ...] = ("12-24..01-01",)

    @field_validator("holidays")
    @classmethod
    def _holidays(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        days_off(value)  # raises ValueError naming the bad entry
        return value


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
    #: role -> roles that can stand in for it when an advance needs a person in that role
    #: (an economic buyer is who decides when no decision maker is named)
    role_stand_ins: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    thresholds: Thresholds = Thresholds()
    priority: PriorityWeights = PriorityWeights()
    lexicon: Lexicon = Lexicon()
    wording: Wording = Wording()
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
        return reference_problems(self)

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
