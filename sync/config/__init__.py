"""config: what a run is told — settings (file, environment), credentials, logging.

The bottom room of ``sync``: it imports nothing else from ``sync``.  Logging owns the one
redactor every log line, error and health response goes through.
"""

from ._credentials import SECRET_KEYS, Credentials, CredentialsRef
from ._logging import (
    REDACTED,
    SECRETS,
    configure_logging,
    log_context,
    redact,
    register_secret,
    register_secrets_from,
)
from ._settings import (
    Connection,
    Limits,
    Prospecting,
    Settings,
    default_state_url,
    find_config,
    load_settings,
)
from ._targets import RepGoals, Targets, load_targets
from ._zones import OwnerZones

__all__ = [
    "REDACTED",
    "SECRETS",
    "SECRET_KEYS",
    "Connection",
    "Credentials",
    "CredentialsRef",
    "Limits",
    "OwnerZones",
    "Prospecting",
    "RepGoals",
    "Settings",
    "Targets",
    "configure_logging",
    "default_state_url",
    "find_config",
    "load_settings",
    "load_targets",
    "log_context",
    "redact",
    "register_secret",
    "register_secrets_from",
]
