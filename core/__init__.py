"""Pure domain of nextadvance: canonical models, playbook, engine, measures.

Nothing in this package does I/O, reads the clock, logs or looks at the environment:
callers pass ``now``.  That keeps every decision deterministic, fast and explainable.
"""

from nextadvance.core._decision import (
    AdvanceChoice,
    CallObjective,
    Decision,
    Evidence,
    Explanation,
    Momentum,
    NextStepCheck,
    ObjectiveResult,
    Verdict,
)
from nextadvance.core._gctune import batch_gc
from nextadvance.core._lexicon_model import ClientAction, Lexicon, StrengthScores
from nextadvance.core._playbook_model import (
    CONTACT_ROLES,
    ActivityEvidence,
    Advance,
    EvidenceRule,
    Objective,
    ObjectiveOverride,
    Playbook,
    PriorityWeights,
    Segment,
    SizeBand,
    Stage,
    Thresholds,
)
from nextadvance.core._reading import NoteReading, classify_next_step, read_note
from nextadvance.core._timeclass import time_class
from nextadvance.core.engine import check_next_step, decide
from nextadvance.core.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    FatalRemote,
    MappingError,
    NextAdvanceError,
    Problem,
    ProblemsError,
    QuotaExhausted,
    RateLimited,
    RecordRejected,
    Retryable,
    RuleError,
    StateError,
    Timeout,
    Unavailable,
)

__all__ = [
    "CONTACT_ROLES",
    "ActivityEvidence",
    "Advance",
    "AdvanceChoice",
    "AuthError",
    "CallObjective",
    "ClientAction",
    "ConfigError",
    "ConnectorError",
    "Decision",
    "Evidence",
    "EvidenceRule",
    "Explanation",
    "FatalRemote",
    "Lexicon",
    "MappingError",
    "Momentum",
    "NextAdvanceError",
    "NextStepCheck",
    "NoteReading",
    "Objective",
    "ObjectiveOverride",
    "ObjectiveResult",
    "Playbook",
    "PriorityWeights",
    "Problem",
    "ProblemsError",
    "QuotaExhausted",
    "RateLimited",
    "RecordRejected",
    "Retryable",
    "RuleError",
    "Segment",
    "SizeBand",
    "Stage",
    "StateError",
    "StrengthScores",
    "Thresholds",
    "Timeout",
    "Unavailable",
    "Verdict",
    "batch_gc",
    "check_next_step",
    "classify_next_step",
    "decide",
    "read_note",
    "time_class",
]
