"""CRM connectors: the only code that talks to a CRM.

Everything above this package sees canonical records (``nextadvance.core``), the error
tree below, and one write result per record.
"""

from nextadvance.core.errors import (
    AuthError,
    ConnectorError,
    FatalRemote,
    QuotaExhausted,
    RateLimited,
    RecordRejected,
    Retryable,
    Timeout,
    Unavailable,
)

__all__ = [
    "AuthError",
    "ConnectorError",
    "FatalRemote",
    "QuotaExhausted",
    "RateLimited",
    "RecordRejected",
    "Retryable",
    "Timeout",
    "Unavailable",
]
