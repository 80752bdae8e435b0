"""Measures of whether the method works: sit rate, velocity, advances, coverage, drift, goals.

Pure functions over canonical deals (and the engine's decisions): no I/O, no clock, no
logging.  Callers pass ``now`` and the reporting :class:`Period` (built in the reader's
timezone); every count is returned with its numerator and denominator (:class:`Ratio`).
The exact definitions are in each function's docstring and in docs/measures.md.
"""

from nextadvance.core.measures._advance import (
    ATTRIBUTION_DAYS,
    EARLIER_STAGE,
    AdvanceReport,
    Conversation,
    advance_rate,
    classify_conversations,
)
from nextadvance.core.measures._common import UNASSIGNED, ClosedStages, DealStatus, Ratio, rep_of
from nextadvance.core.measures._coverage import StageCoverage, objective_coverage
from nextadvance.core.measures._drift import (
    DriftThresholds,
    ObjectiveDrift,
    QuestionsAsked,
    Suggestion,
    objective_outcomes,
    questions_asked,
)
from nextadvance.core.measures._goals import (
    DEFAULT_BLOCKS,
    BlockPlan,
    BlockState,
    DayPlan,
    Metric,
    Target,
    WorkingDay,
    counts_toward,
    plan_day,
    split,
)
from nextadvance.core.measures._period import (
    Period,
    local_midnight,
    parse_period,
    period_between,
    quarter_of,
)
from nextadvance.core.measures._productivity import Productivity, RepProductivity, productivity
from nextadvance.core.measures._sit import (
    MeetingChain,
    SitCounts,
    SitReport,
    SitStatus,
    meeting_chains,
    sit_rate,
)
from nextadvance.core.measures._velocity import Velocity, velocity, velocity_by

__all__ = [
    "ATTRIBUTION_DAYS",
    "DEFAULT_BLOCKS",
    "EARLIER_STAGE",
    "UNASSIGNED",
    "AdvanceReport",
    "BlockPlan",
    "BlockState",
    "ClosedStages",
    "Conversation",
    "DayPlan",
    "DealStatus",
    "DriftThresholds",
    "MeetingChain",
    "Metric",
    "ObjectiveDrift",
    "Period",
    "Productivity",
    "QuestionsAsked",
    "Ratio",
    "RepProductivity",
    "SitCounts",
    "SitReport",
    "SitStatus",
    "StageCoverage",
    "Suggestion",
    "Target",
    "Velocity",
    "WorkingDay",
    "advance_rate",
    "classify_conversations",
    "counts_toward",
    "local_midnight",
    "meeting_chains",
    "objective_coverage",
    "objective_outcomes",
    "parse_period",
    "period_between",
    "plan_day",
    "productivity",
    "quarter_of",
    "questions_asked",
    "rep_of",
    "sit_rate",
    "split",
    "velocity",
    "velocity_by",
]
