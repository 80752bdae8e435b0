"""Pure domain of nextadvance: canonical models, playbook, engine, measures.

Nothing in this package does I/O, reads the clock, logs or looks at the environment:
callers pass ``now``.  That keeps every decision deterministic, fast and explainable.
"""

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
    "AuthError",
    "ConfigError",
    "ConnectorError",
    "FatalRemote",
    "MappingError",
    "NextAdvanceError",
    "Problem",
    "ProblemsError",
    "QuotaExhausted",
    "RateLimited",
    "RecordRejected",
    "Retryable",
    "RuleError",
    "StateError",
    "Timeout",
    "Unavailable",
]
