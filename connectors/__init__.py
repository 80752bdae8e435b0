"""CRM connectors: the only code that talks to a CRM.

Everything above this package sees canonical records (``nextadvance.core``), the error
tree below, and one :class:`WriteResult` per :class:`WriteOp`.  Build a connector with
:func:`build_connector` from a :class:`ConnectorConfig`; drive it through the
:class:`Connector` protocol (``stages``, ``describe``, ``pull``, ``apply``, ``find_tasks``,
``budget``, ``calls``, ``close``).  Each CRM is described once by its package's ``PROFILE``;
:func:`profile` looks one up by name.
"""

from nextadvance.connectors._base import (
    ActivityRecord,
    Budget,
    CallEvent,
    CallStats,
    Connector,
    ConnectorConfig,
    Credentials,
    Cursor,
    DealRecord,
    FieldInfo,
    Limits,
    PullBatch,
    StageInfo,
    System,
    TaskSpec,
    TaskState,
    WriteKind,
    WriteOp,
    WriteResult,
)
from nextadvance.connectors._card import CardFields, card_fields, write_hubspot_project
from nextadvance.connectors._factory import build_connector, check_config
from nextadvance.connectors._profile import CrmProfile, SetupStrategy
from nextadvance.connectors._redact import REDACTED, redact
from nextadvance.connectors._registry import CRM_NAMES, PROFILES, profile
from nextadvance.connectors._setup import FieldSpec, missing_fields, required_fields
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
    "CRM_NAMES",
    "PROFILES",
    "REDACTED",
    "ActivityRecord",
    "AuthError",
    "Budget",
    "CallEvent",
    "CallStats",
    "CardFields",
    "Connector",
    "ConnectorConfig",
    "ConnectorError",
    "Credentials",
    "CrmProfile",
    "Cursor",
    "DealRecord",
    "FatalRemote",
    "FieldInfo",
    "FieldSpec",
    "Limits",
    "PullBatch",
    "QuotaExhausted",
    "RateLimited",
    "RecordRejected",
    "Retryable",
    "SetupStrategy",
    "StageInfo",
    "System",
    "TaskSpec",
    "TaskState",
    "Timeout",
    "Unavailable",
    "WriteKind",
    "WriteOp",
    "WriteResult",
    "build_connector",
    "card_fields",
    "check_config",
    "missing_fields",
    "profile",
    "redact",
    "required_fields",
    "write_hubspot_project",
]
