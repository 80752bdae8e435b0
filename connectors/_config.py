"""How one connection is configured: resolved credentials, limits, and the config itself.

The sync layer maps its settings file to a :class:`ConnectorConfig`;
:func:`~nextadvance.connectors.build_connector` checks it and builds the connector.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import SecretStr

from nextadvance.connectors._stats import CallEvent

__all__ = ["ConnectorConfig", "Credentials", "Limits", "System"]

#: Which CRM a connector talks to: the name of a registered profile (``connectors._registry``).
System = str


@dataclass(frozen=True, repr=False)
class Credentials:
    """Resolved secrets of one connection; ``repr`` never shows a value.

    Either a ready ``access_token`` (Salesforce session id, HubSpot private-app or OAuth
    access token) or an OAuth ``refresh_token`` + ``client_id`` + ``client_secret``, or both
    (the access token is used until it expires, then refreshed).  ``token_url`` overrides the
    OAuth token endpoint (default: Salesforce ``https://login.salesforce.com/services/oauth2/
    token``; HubSpot ``{base_url}/oauth/v1/token``).
    """

    access_token: SecretStr | None = None
    refresh_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    token_url: str | None = None
    expires_at: datetime | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Credentials:
        """Build from resolved secret values as a settings file names them.

        Accepts ``access_token`` (aliases ``token``, ``session_id``, ``private_app_token``),
        ``refresh_token``, ``client_id``, ``client_secret`` and ``token_url``.
        """
        token = next(
            (
                values[k]
                for k in ("access_token", "token", "session_id", "private_app_token")
                if values.get(k)
            ),
            None,
        )

        def secret(name: str) -> SecretStr | None:
            raw = values.get(name)
            return SecretStr(raw) if raw else None

        return cls(
            access_token=SecretStr(token) if token else None,
            refresh_token=secret("refresh_token"),
            client_id=values.get("client_id") or None,
            client_secret=secret("client_secret"),
            token_url=values.get("token_url") or None,
        )

    def __repr__(self) -> str:
        present = [
            name
            for name in ("access_token", "refresh_token", "client_id", "client_secret")
            if getattr(self, name) is not None
        ]
        return f"Credentials(<redacted: {', '.join(present) or 'none'}>)"

    __str__ = __repr__


@dataclass(frozen=True)
class Limits:
    """Client-side pacing and retry policy of one connection.

    ``max_quota_share`` caps what one run may spend of the daily quota that remained when it
    started (Salesforce ``Sforce-Limit-Info``, HubSpot daily headers): beyond it the connector
    raises :class:`~nextadvance.core.errors.QuotaExhausted` before sending, so the org keeps
    the rest.  ``requests_per_10s`` / ``search_per_s`` pace HubSpot's rolling windows.
    """

    requests_per_10s: int = 100
    search_per_s: float = 4.0
    max_quota_share: float = 0.5
    #: The total deadline of one request, retries and waits included: no retry starts that
    #: could not finish before it.
    retry_deadline_s: float = 90.0
    max_attempts: int = 6
    #: Read timeout: the longest wait for the CRM's answer once connected.
    timeout_s: float = 30.0
    backoff_max_s: float = 30.0
    #: Connect timeout: TCP connection and TLS handshake.
    connect_timeout_s: float = 10.0

    @property
    def timeouts(self) -> tuple[float, float]:
        """(connect, read) timeouts, as HTTP clients take them."""
        return (self.connect_timeout_s, self.timeout_s)


@dataclass(frozen=True)
class ConnectorConfig:
    """Everything :func:`~nextadvance.connectors.build_connector` needs for one connection.

    ``mapping`` is a loaded :class:`nextadvance.mappings.Mapping` (it decides which fields are
    read and how records translate); ``base_url`` is the Salesforce instance URL or the HubSpot
    API host; ``ca_bundle`` a PEM file trusted for TLS (never a switch to disable checks).
    ``lookback_s`` is the overlap window re-read on every incremental pull; ``page_size``
    overrides the page size (tests use it to hit page edges; None = the CRM maximum).
    ``label_refresh_s``: how often a HubSpot incremental pull re-reads the open deals' contact
    roles, which change without moving any modified stamp (0: every pull).
    """

    system: System
    base_url: str
    credentials: Credentials
    mapping: Any = None
    ca_bundle: str | None = None
    api_version: str = "59.0"
    limits: Limits = field(default_factory=Limits)
    lookback_s: float = 300.0
    page_size: int | None = None
    label_refresh_s: float = 86_400.0
    on_call: Callable[[CallEvent], None] | None = None
