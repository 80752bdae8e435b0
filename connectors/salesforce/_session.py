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
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce.api import Salesforce

from nextadvance.connectors._base import ConnectorConfig
from nextadvance.connectors._crmclock import CrmClock
from nextadvance.connectors._session_common import TokenSession
from nextadvance.core.errors import AuthError, FatalRemote, Timeout, Unavailable

__all__ = ["DEFAULT_TOKEN_URL", "SalesforceSession"]

DEFAULT_TOKEN_URL = "https://login.salesforce.com/services/oauth2/token"


class _Adapter(HTTPAdapter):
    """Forces the CA bundle and a timeout on every request; remembers the last headers.

    The last response's headers carry ``Sforce-Limit-Info`` and ``Retry-After``, which
    simple-salesforce's exceptions do not expose, and ``Date``: the org's clock, which
    anchors the next incremental read (``clock``, see ``connectors/_crmclock.py``).
    """

    def __init__(self, ca_bundle: str | None, timeouts: tuple[float, float]) -> None:
        super().__init__(max_retries=0)  # one retry layer: ours
        self.ca_bundle = ca_bundle
        self.timeouts = timeouts
        self.local = threading.local()
        self.clock = CrmClock()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.ca_bundle:
            kwargs["verify"] = self.ca_bundle
        else:
            kwargs["verify"] = True
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeouts  # (connect, read)
        self.local.headers = {}
        sent = time.monotonic()
        response = super().send(request, **kwargs)
        self.local.headers = dict(response.headers)
        self.clock.note(self.local.headers, time.monotonic() - sent)
        return response

    def last_headers(self) -> Mapping[str, str]:
        """Headers of the last response on this thread (empty before the first)."""
        return getattr(self.local, "headers", {}) or {}


class SalesforceSession(TokenSession[Salesforce]):
    """Owns the ``requests`` session, the current access token and the SSF client."""

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        self.http = requests.Session()
        self.adapter = _Adapter(config.ca_bundle, config.limits.timeouts)
        self.http.mount("https://", self.adapter)
        self.http.mount("http://", self.adapter)
        self.instance_url = config.base_url.rstrip("/")

    def _new_client(self, token: str | None) -> Salesforce:
        return Salesforce(
            instance_url=self.instance_url,
            session_id=token,
            session=self.http,
            version=self.config.api_version,
            # None: the json module's own dicts, decoded in C without a Python call per
            # object (``dict`` as the hook built a pair list per object first); pages of
            # 2,000 records are a measurable share of a full sync's CPU
            object_pairs_hook=None,
        )

    def _exchange(self) -> tuple[str, float | None]:
        """POST the refresh-token grant to the token URL; adopt the instance URL it names."""
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
        with self._token_request() as call:
            try:
                response = self.http.post(url, data=form, headers={"Accept": "application/json"})
                call.status = response.status_code
            except requests.Timeout as exc:
                which = "connect" if isinstance(exc, requests.ConnectTimeout) else "read"
                raise Timeout(
                    f"Salesforce token endpoint: no answer within the {which} timeout",
                    endpoint="oauth.token",
                ) from None
            except requests.exceptions.SSLError:
                raise FatalRemote(
                    f"TLS verification of the Salesforce token endpoint failed; check "
                    f"ca_bundle ({self.config.ca_bundle or 'the system CAs'}) trusts that host",
                    endpoint="oauth.token",
                ) from None
            except requests.RequestException as exc:
                raise Unavailable(
                    f"Salesforce token endpoint unreachable: {self.scrub(type(exc).__name__)}",
                    endpoint="oauth.token",
                ) from None
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
        instance = payload.get("instance_url")
        if instance and urlsplit(str(instance)).hostname:
            self.instance_url = str(instance).rstrip("/")
        # Salesforce does not say when the token expires; a 401 triggers the next refresh
        return str(payload["access_token"]), None

    def close(self) -> None:
        """Close pooled connections."""
        self.http.close()
