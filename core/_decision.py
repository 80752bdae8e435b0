"""The engine's output for one deal: fully serialisable, with the reasons for everything.

A :class:`Decision` is what ``nextadvance decide`` prints (one JSON object per line), what
the sync run turns into a CRM task and fields, and what ``explain`` renders.  Field names
are a public contract.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = [
    "AdvanceChoice",
    "AgreedStep",
    "CallObjective",
    "Coaching",
    "Decision",
    "Evidence",
    "Explanation",
    "Momentum",
    "NextStepCheck",
    "ObjectiveResult",
    "Verdict",
    "built",
    "trusted",
]

_M_co = TypeVar("_M_co", bound=BaseModel)
_new = object.__new__
_DEFAULTS: dict[type[BaseModel], tuple[dict[str, Any], int, dict[tuple[str, ...], set[str]]]] = {}
#: BaseModel's own slot descriptors: calling their ``__set__`` directly skips the
#: attribute lookup ``object.__setattr__`` does (~30 ns per slot, 4 slots per object)
_SLOTS = BaseModel.__dict__
_set_dict = _SLOTS["__dict__"].__set__
_set_fields = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__


def built(cls: type[_M_co], data: dict[str, Any], fields_set: set[str]) -> _M_co:
    """A ``cls`` whose ``__dict__`` is ``data`` (kept as given: its key order is the JSON
    key order) and whose fields-set is ``fields_set`` (shared: the models are frozen),
    built without validation - the one place the engine's output objects are assembled."""
    obj = _new(cls)  # BaseModel has no __new__ of its own
    _set_dict(obj, data)
    _set_fields(obj, fields_set)
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


def trusted(cls: type[_M_co], /, **values: Any) -> _M_co:
    """Build an output model from values the engine made valid by construction.

    ``decide`` runs for every open deal on every run; validating ~30 nested output
    objects per deal would cost more than the decision itself.  This mirrors pydantic's
    ``model_construct`` (no validation) with the defaults precomputed per class; the tests
    round-trip decisions through full validation to keep it honest.

    The fields-set is shared by every object built with the same field names, as the
    positional builders below do: the models are frozen, so pydantic never mutates it
    (``model_copy`` copies it), and memoised outputs then hold no set each for the
    garbage collector to traverse.
    """
    known = _DEFAULTS.get(cls)
    if known is None:
        fields = cls.model_fields
        known = (
            {
                name: f.get_default(call_default_factory=True)
                for name, f in fields.items()
                if not f.is_required()
            },
            len(fields),
            {},
        )
        _DEFAULTS[cls] = known
    defaults, n_fields, field_sets = known
    # every field given: the fresh kwargs dict is ours to keep (else defaults first, in
    # their order, each given value in its default's place, new keys after)
    data = values if len(values) == n_fields else {**defaults, **values}
    names = tuple(values)
    given = field_sets.get(names)
    if given is None:
        given = field_sets[names] = set(names)
    return built(cls, data, given)


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Verdict(StrEnum):
    """How the CRM's recorded next step measures up (METHOD.md §3)."""

    advance = "advance"
    vague = "vague"
    seller_action = "seller_action"
    unrealistic_for_stage = "unrealistic_for_stage"
    empty = "empty"


class Evidence(_M):
    """What proved an objective: the rule kind, a readable detail, and the activity if any."""

    source: Literal["field", "role", "activity", "keywords"]
    detail: str
    activity_id: str | None = None
    contact_id: str | None = None


class ObjectiveResult(_M):
    """One micro-objective of the deal's stage or an earlier stage: learned, missing, or
    ``learned_negative`` - learned and bad news ("no budget this year", METHOD.md §3):
    not met, not missing either; the next call must deal with it."""

    id: str
    title: str
    stage: str
    essential: bool
    #: "learned_negative": learned, and the answer is bad news (e.g. no budget this year)
    status: Literal["learned", "missing", "learned_negative"]
    evidence: tuple[Evidence, ...] = ()
    questions: tuple[str, ...] = ()


class AdvanceChoice(_M):
    """A client action from the stage's advance catalog to close for on the next call.

    ``text`` names the client person and the date; ``subject`` is the task's subject;
    ``ask`` is the close said to the client; ``goal`` completes the opening line.  When
    the advance needed a person the deal does not have, ``finds_role`` names that role
    and the advance is getting them introduced.
    """

    text: str
    advance_id: str
    subject: str = ""
    ask: str = ""
    goal: str = ""
    who: str | None = None
    by: date | None = None
    finds_role: str | None = None


class CallObjective(_M):
    """The purpose of the next conversation: what to learn, what to ask, what to close for."""

    learn: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    stretch: AdvanceChoice | None = None
    conservative: AdvanceChoice | None = None
    plan: tuple[str, ...] = ()
    strategic_objective: str | None = None
    #: the sentence that opens the call and the one that closes it, sayable as they are
    opening: str = ""
    close: str = ""
    #: bad news already learned (objective ids) the call must deal with first
    negatives: tuple[str, ...] = ()
    #: why the close date looks unreachable (or None)
    close_date_note: str | None = None
    #: the essentials of the next stage the call looks ahead to (ready deals)
    look_ahead: tuple[str, ...] = ()


class Coaching(_M):
    """What the rep's task says, ready to write: subject, verdict sentence, due, urgency."""

    subject: str = ""
    verdict: str = ""
    due: date | None = None
    urgency: Literal["high", "normal", "low"] = "normal"
    next_meeting: date | None = None
    #: the task body, one line each, in the order the rep uses them on the call
    body: tuple[str, ...] = ()


class AgreedStep(_M):
    """One dated client commitment of the rep's next step: the action, who, the day."""

    action: str
    who: str | None = None
    by: date


class NextStepCheck(_M):
    """The verdict on the CRM's next step (or latest open task subject) and why.

    The verdict code is what the labelled corpus measures; what only the deal and today
    reveal about an ``advance`` is a qualifier beside it (the rep reads it in the verdict
    sentence): its date has passed, it names someone who is not on the deal, or it goes
    back to an objective settled stages ago.
    """

    verdict: Verdict
    reason: str
    text: str | None = None
    source: Literal["next_step", "open_task"] | None = None
    strength: float = 0.0
    action: str | None = None
    #: the latest day the step names, when every day it names has passed
    overdue: date | None = None
    #: a person the step names who matches none of the deal's contacts
    unknown_person: str | None = None
    #: the objective (settled, stages earlier) the step goes back to
    behind_stage: str | None = None
    #: the contact who commits (first name), the dated client actions still ahead, and
    #: the objectives the step covers: what the call plan builds on
    person: str | None = None
    agreed: tuple[AgreedStep, ...] = ()
    covers: tuple[str, ...] = ()
    #: the text is a client step fitting the stage that lacks only who and when: the
    #: verdict's rewrite repairs the rep's own words instead of suggesting ours
    repairable: bool = False


class Momentum(_M):
    """Whether the deal is moving: last advance, continuations since, time in stage."""

    last_advance_at: datetime | None = None
    last_advance: str | None = None
    continuations_since: int = 0
    days_in_stage: int = 0
    stage_norm_days: int = 0
    stalled: bool = False
    parked: bool = False
    parked_until: date | None = None
    parked_reason: str | None = None
    #: the latest client conversation held by now (a call, meeting or email of the
    #: playbook's ``conversation_kinds``), the fact a rep checks a stall flag against
    last_conversation_at: datetime | None = None
    #: the momentum as a rep reads it ("No client advance since 11 Jul; last conversation
    #: 6 Dec"); empty while the deal advanced within its stage's ``stall_days``
    note: str = ""


class Explanation(_M):
    """Why the engine said something: the rule, the inputs it looked at, a sentence."""

    rule_id: str
    inputs: dict[str, Any] = {}
    text: str


class Decision(_M):
    """Everything the engine decided about one deal at one moment (``decided_at``).

    For closed deals ``open`` is False and only identity, stage, momentum and a single
    explanation are filled: there is nothing to advance.
    """

    deal_id: str
    deal_name: str = ""
    stage: str
    open: bool = True
    decided_at: datetime
    segments: tuple[str, ...] = ()
    objectives: tuple[ObjectiveResult, ...] = ()
    ready_to_advance: bool = False
    stage_gap: bool = False
    stage_gap_objectives: tuple[str, ...] = ()
    call_objective: CallObjective = CallObjective()
    next_step_check: NextStepCheck
    momentum: Momentum = Momentum()
    priority: float = 0.0
    explanations: tuple[Explanation, ...] = ()
    coaching: Coaching = Coaching()


# -- positional builders for the per-deal hot path ----------------------------------------
# ``trusted`` costs a kwargs dict, a defaults merge and a set per object; a deal needs
# ~20 output objects, so the few built for every deal get a direct builder each.  They
# pass every field and so mark them all as set, like a validated full dump would; the
# models are frozen, so pydantic never mutates that set (model_copy copies it) and one
# shared set per class saves an allocation per object.  The
# ``__dict__`` key order is the JSON key order: each builder keeps the order ``trusted``
# gave (declaration order when every field is passed, defaults first otherwise).

_EVIDENCE_SET = set(Evidence.model_fields)
_RESULT_SET = set(ObjectiveResult.model_fields)
_EXPLANATION_SET = set(Explanation.model_fields)
_MOMENTUM_SET = set(Momentum.model_fields)
_DECISION_SET = set(Decision.model_fields)


def evidence(
    source: str, detail: str, activity_id: str | None = None, contact_id: str | None = None
) -> Evidence:
    """An :class:`Evidence` built without validation (see :func:`trusted`).

    The key order of ``__dict__`` is the JSON key order, a byte-level contract of
    ``nextadvance decide``: it is the order ``trusted`` produced (defaults first unless
    every field was given), kept so outputs stay byte-identical.
    """
    data: dict[str, str | None]
    if activity_id is not None and contact_id is not None:
        data = {
            "source": source,
            "detail": detail,
            "activity_id": activity_id,
            "contact_id": contact_id,
        }
    else:
        data = {
            "activity_id": activity_id,
            "contact_id": contact_id,
            "source": source,
            "detail": detail,
        }
    return built(Evidence, data, _EVIDENCE_SET)


def learned_result(
    oid: str,
    title: str,
    stage: str,
    essential: bool,
    ev: Evidence,
    questions: tuple[str, ...],
    status: str = "learned",
) -> ObjectiveResult:
    """A learned (or ``learned_negative``) :class:`ObjectiveResult` proved by ``ev``, built
    without validation."""
    return built(
        ObjectiveResult,
        {
            "id": oid,
            "title": title,
            "stage": stage,
            "essential": essential,
            "status": status,
            "evidence": (ev,),
            "questions": questions,
        },
        _RESULT_SET,
    )


def explanation(rule_id: str, inputs: dict[str, Any], text: str) -> Explanation:
    """An :class:`Explanation` built without validation."""
    return built(
        Explanation, {"rule_id": rule_id, "inputs": inputs, "text": text}, _EXPLANATION_SET
    )


def momentum(
    last_advance_at: datetime | None,
    last_advance: str | None,
    continuations_since: int,
    days_in_stage: int,
    stage_norm_days: int,
    stalled: bool,
    parked: bool,
    parked_until: date | None,
    parked_reason: str | None,
    last_conversation_at: datetime | None = None,
    note: str = "",
) -> Momentum:
    """A :class:`Momentum` built without validation (arguments in field order)."""
    return built(
        Momentum,
        {
            "last_advance_at": last_advance_at,
            "last_advance": last_advance,
            "continuations_since": continuations_since,
            "days_in_stage": days_in_stage,
            "stage_norm_days": stage_norm_days,
            "stalled": stalled,
            "parked": parked,
            "parked_until": parked_until,
            "parked_reason": parked_reason,
            "last_conversation_at": last_conversation_at,
            "note": note,
        },
        _MOMENTUM_SET,
    )


def open_decision(
    deal_id: str,
    deal_name: str,
    stage: str,
    decided_at: datetime,
    segments: tuple[str, ...],
    objectives: tuple[ObjectiveResult, ...],
    ready_to_advance: bool,
    stage_gap: bool,
    stage_gap_objectives: tuple[str, ...],
    call_objective: CallObjective,
    next_step_check: NextStepCheck,
    momentum: Momentum,
    priority: float,
    explanations: tuple[Explanation, ...],
    coaching: Coaching,
) -> Decision:
    """The :class:`Decision` for an open deal, built without validation (field order)."""
    return built(
        Decision,
        {
            "deal_id": deal_id,
            "deal_name": deal_name,
            "stage": stage,
            "open": True,
            "decided_at": decided_at,
            "segments": segments,
            "objectives": objectives,
            "ready_to_advance": ready_to_advance,
            "stage_gap": stage_gap,
            "stage_gap_objectives": stage_gap_objectives,
            "call_objective": call_objective,
            "next_step_check": next_step_check,
            "momentum": momentum,
            "priority": priority,
            "explanations": explanations,
            "coaching": coaching,
        },
        _DECISION_SET,
    )
