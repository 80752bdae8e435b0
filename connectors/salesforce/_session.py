"""Salesforce HTTP session and OAuth: TLS with a CA bundle, timeouts, and token refresh.

simple-salesforce has no refresh-token flow and, in session-id mode, never re-authenticates
(crm-api-notes A1, Part C), so we do the OAuth exchange ourselves with ``requests`` and
rebuild ``Salesforce(instance_url=..., session_id=..., session=...)`` on a new token.  The
adapter forces our CA bundle on every send because ``REQUESTS_CA_BUNDLE`` in the environment
silently overrides ``session.verify``; it never turns verification off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce.api import Salesforce

from nextadvance.connectors._base import ConnectorConfig
from nextadvance.connectors._transport import redact
from nextadvance.core.errors import AuthError, Timeout, Unavailable

__all__ = ["DEFAULT_TOKEN_URL", "SalesforceSession"]

DEFAULT_TOKEN_URL = "https://login.salesforce.com/services/oauth2/token"
#: Refresh a token this many seconds before a known expiry.
REFRESH_MARGIN_S = 120.0


class _Adapter(HTTPAdapter):
    """Forces the CA bundle and a timeout on every request; remembers the last headers.

    The last response's headers carry ``Sforce-Limit-Info`` and ``Retry-After``, which
    simple-salesforce's exceptions do not expose.
    """

    def __init__(self, ca_bundle: str | None, timeout_s: float) -> None:
        super().__init__(max_retries=0)  # one retry layer: ours
        self.ca_bundle = ca_bundle
        self.timeout_s = timeout_s
        self.local = threading.local()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.ca_bundle:
            kwargs["verify"] = self.ca_bundle
        else:
            kwargs["verify"] = True
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout_s
        self.local.headers = {}
        response = super().send(request, **kwargs)
        self.local.headers = dict(response.headers)
        return response

    def last_headers(self) -> Mapping[str, str]:
        """Headers of the last response on this thread (empty before the first)."""
        return getattr(self.local, "headers", {}) or {}


class SalesforceSession:
    """Owns the ``requests`` session, the current access token and the SSF client."""

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config
        self.http = requests.Session()
        self.adapter = _Adapter(config.ca_bundle, config.limits.timeout_s)
        self.http.mount("https://", self.adapter)
        self.http.mount("http://", self.adapter)
        creds = config.credentials
        self._token: str | None = (
            creds.access_token.get_secret_value() if creds.access_token else None
        )
        self.instance_url = config.base_url.rstrip("/")
        self._client: Salesforce | None = None
        self._expires = creds.expires_at.timestamp() if creds.expires_at else None
        self.refreshes = 0
        #: Called with (status, seconds) for each token request, so it is counted too.
        self.on_token_call: Callable[[int | None, float], None] | None = None

    # -- secrets -------------------------------------------------------------------------
    def secrets(self) -> list[str]:
        """Every secret value this session knows, for scrubbing messages."""
        creds = self.config.credentials
        values = [self._token or ""]
        for secret in (creds.access_token, creds.refresh_token, creds.client_secret):
            if secret is not None:
                values.append(secret.get_secret_value())
        return [v for v in values if v]

    def scrub(self, text: str) -> str:
        """``text`` without any secret of this connection."""
        return redact(text, self.secrets())

    # -- client --------------------------------------------------------------------------
    @property
    def can_refresh(self) -> bool:
        creds = self.config.credentials
        return creds.refresh_token is not None and creds.client_id is not None

    def client(self) -> Salesforce:
        """The simple-salesforce client for the current token (refreshing first if none)."""
        expiring = self._expires is not None and time.time() > self._expires - REFRESH_MARGIN_S
        if (self._token is None or expiring) and self.can_refresh:
            self.refresh()
        if self._client is None:
            self._client = Salesforce(
                instance_url=self.instance_url,
                session_id=self._token,
                session=self.http,
                version=self.config.api_version,
                object_pairs_hook=dict,
            )
        return self._client

    def refresh(self) -> bool:
        """Exchange the refresh token for a new access token; False when we cannot refresh."""
        if not self.can_refresh:
            return False
        creds = self.config.credentials
        assert creds.refresh_token is not None
        form = {
            "grant_type": "refresh_token",
            "client_id": creds.client_id or "",
            "refresh_token": creds.refresh_token.get_secret_value(),
        }
        if creds.client_secret is not None:
            form["client_secret"] = creds.client_secret.get_secret_value()
        url = creds.token_url or DEFAULT_TOKEN_URL
        started = time.monotonic()
        status: int | None = None
        try:
            response = self.http.post(url, data=form, headers={"Accept": "application/json"})
            status = response.status_code
        except requests.Timeout:
            raise Timeout("Salesforce token endpoint timed out", endpoint="oauth.token") from None
        except requests.RequestException as exc:
            raise Unavailable(
                f"Salesforce token endpoint unreachable: {self.scrub(type(exc).__name__)}",
                endpoint="oauth.token",
            ) from None
        finally:
            if self.on_token_call is not None:
                self.on_token_call(status, time.monotonic() - started)
        if response.status_code >= 500:
            raise Unavailable(
                f"Salesforce token endpoint answered {response.status_code}",
                endpoint="oauth.token",
                status=response.status_code,
            )
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if response.status_code != 200 or not payload.get("access_token"):
            error = self.scrub(str(payload.get("error_description") or payload.get("error") or ""))
            raise AuthError(
                f"Salesforce refused the refresh token ({response.status_code}): {error}".rstrip(
                    ": "
                ),
                endpoint="oauth.token",
                status=response.status_code,
            )
        self._token = str(payload["access_token"])
        self._expires = None  # Salesforce does not say; a 401 triggers the next refresh
        instance = payload.get("instance_url")
        if instance and urlsplit(str(instance)).hostname:
            self.instance_url = str(instance).rstrip("/")
        self._client = None
        self.refreshes += 1
        return True

    def close(self) -> None:
        """Close pooled connections."""
        self.http.close()
