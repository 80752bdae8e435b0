"""HubSpot client, token refresh, raw JSON calls and failure classification.

We build ``hubspot.Client.create(access_token=..., host=base_url, ssl_ca_cert=ca_bundle,
retry=False)``: ``retry=False`` survives the library's None filter and sets urllib3 retries
off (crm-api-notes B10), so our transport layer is the only retry layer.  Calls are made with
``_preload_content=False`` and plain dict bodies: the raw JSON is parsed once, no generated
models are built, and the response headers (daily quota) stay visible.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import urllib3
from hubspot import Client

from nextadvance.connectors._base import ConnectorConfig
from nextadvance.connectors._crmclock import CrmClock
from nextadvance.connectors._netfail import connect_failure
from nextadvance.connectors._session_common import TokenSession
from nextadvance.connectors._transport import redact
from nextadvance.core.errors import (
    AuthError,
    ConnectorError,
    FatalRemote,
    QuotaExhausted,
    RateLimited,
    RecordRejected,
    Timeout,
    Unavailable,
)

__all__ = ["HubSpotSession", "classify_hubspot"]

#: A TLS failure is never retried: a wrong ``ca_bundle`` does not fix itself.
_TLS = (
    "TLS verification of the HubSpot host failed ({endpoint}); check that ca_bundle "
    "trusts that host's certificate"
)


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    try:
        value = headers.get(name)
    except AttributeError:
        return None
    return None if value is None else str(value)


def _from_client(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in ("hubspot", "urllib3")


def classify_hubspot(
    exc: BaseException, endpoint: str, *, scrub: Callable[[str], str] = redact
) -> ConnectorError:
    """The error-tree exception for a HubSpot client failure on ``endpoint``.

    Works for every generated package's ``ApiException`` (they share no base class) by
    reading ``status``/``body``/``headers``; urllib3 transport errors become Timeout or
    Unavailable.  Bodies are parsed for ``category``/``policyName`` and scrubbed.
    """
    if isinstance(exc, ConnectorError):
        return exc
    inner = exc.__cause__ or exc.__context__
    if inner is not None and not _from_client(exc) and _from_client(inner):
        # the client's own error handling can fail on what it raised (a TLS failure becomes
        # ``AttributeError: 'NoneType' object has no attribute 'decode'``): classify the cause
        return classify_hubspot(inner, endpoint, scrub=scrub)
    if isinstance(exc, urllib3.exceptions.NewConnectionError | urllib3.exceptions.MaxRetryError):
        # a refused port or an unknown host (urllib3 makes NewConnectionError a
        # ConnectTimeoutError): named at once with the URL tried, not "no answer in time"
        unreachable = connect_failure(exc, "HubSpot", endpoint)
        if unreachable is not None:
            return unreachable
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        which = "connect" if isinstance(exc, urllib3.exceptions.ConnectTimeoutError) else "read"
        return Timeout(
            f"HubSpot: no answer within the {which} timeout ({endpoint})", endpoint=endpoint
        )
    if isinstance(exc, urllib3.exceptions.SSLError):
        return FatalRemote(_TLS.format(endpoint=endpoint), endpoint=endpoint)
    if isinstance(exc, urllib3.exceptions.HTTPError):
        unreachable = connect_failure(exc, "HubSpot", endpoint)
        if unreachable is not None:
            return unreachable
        return Unavailable(
            f"HubSpot unreachable ({endpoint}): {type(exc).__name__}", endpoint=endpoint
        )
    status = getattr(exc, "status", None)
    if status is None or not type(exc).__module__.startswith("hubspot"):
        return FatalRemote(
            f"unexpected failure calling HubSpot ({endpoint}): {type(exc).__name__}: "
            f"{scrub(str(exc))[:300]}",
            endpoint=endpoint,
        )
    status = int(status)
    body: dict[str, Any] = {}
    raw = getattr(exc, "body", None)
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if isinstance(raw, str) and raw:
        try:
            parsed = json.loads(raw)
            body = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            body = {"message": raw[:300]}
    if status == 0:
        reason = str(getattr(exc, "reason", "") or "")
        if "SSL" in reason:
            return FatalRemote(_TLS.format(endpoint=endpoint), endpoint=endpoint)
        if "timed out" in reason.lower() or "timeout" in reason.lower():
            which = "connect" if "connect" in reason.lower() else "read"
            return Timeout(
                f"HubSpot: no answer within the {which} timeout ({endpoint})", endpoint=endpoint
            )
        unreachable = connect_failure(exc, "HubSpot", endpoint)
        if unreachable is not None:
            return unreachable
        return Unavailable(f"HubSpot unreachable ({endpoint})", endpoint=endpoint)
    category = str(body.get("category") or body.get("errorType") or "")
    message = scrub(str(body.get("message") or getattr(exc, "reason", "") or ""))[:500]
    text = f"HubSpot {status} {category}: {message} ({endpoint})".replace("  ", " ")
    headers = getattr(exc, "headers", None)
    if status == 429:
        if str(body.get("policyName") or "").upper() == "DAILY":
            return QuotaExhausted(text, endpoint=endpoint, status=status)
        after = _header(headers, "Retry-After")
        try:
            retry_after = float(after) if after else 1.0
        except ValueError:
            retry_after = 1.0
        return RateLimited(text, retry_after=retry_after, endpoint=endpoint, status=status)
    if status == 401:
        return AuthError(text, endpoint=endpoint, status=status)
    if status == 403:
        return AuthError(f"{text}; check the app's scopes", endpoint=endpoint, status=status)
    if status >= 500:
        return Unavailable(text, endpoint=endpoint, status=status)
    if status in (404, 409) or category in ("VALIDATION_ERROR", "OBJECT_NOT_FOUND", "CONFLICT"):
        return RecordRejected(text, code=category or str(status), endpoint=endpoint, status=status)
    return FatalRemote(text, endpoint=endpoint, status=status)


class HubSpotSession(TokenSession[Client]):
    """Owns the HubSpot client and the access token (refreshing it before it expires)."""

    def __init__(self, config: ConnectorConfig, clock: Callable[[], float] = time.time) -> None:
        super().__init__(config, clock)
        self.last_headers: Mapping[str, str] = {}
        #: the portal's clock from each answer's ``Date`` (anchors incremental reads)
        self.clock = CrmClock()
        self._apis: dict[str, tuple[Client, Any]] = {}

    def _new_client(self, token: str | None) -> Client:
        kwargs: dict[str, Any] = {"host": self.config.base_url.rstrip("/"), "retry": False}
        if self.config.ca_bundle:
            kwargs["ssl_ca_cert"] = self.config.ca_bundle
        return Client.create(access_token=token, **kwargs)

    def _exchange(self) -> tuple[str, float | None]:
        """Exchange the refresh token at ``/oauth/v1/token``."""
        creds = self.config.credentials
        assert creds.refresh_token is not None
        api = self._new_client(None).oauth.tokens_api
        with self._token_request() as call:
            try:
                answer = api.create(
                    grant_type="refresh_token",
                    client_id=creds.client_id,
                    client_secret=creds.client_secret.get_secret_value()
                    if creds.client_secret
                    else None,
                    refresh_token=creds.refresh_token.get_secret_value(),
                    _preload_content=False,
                    _request_timeout=self.config.limits.timeouts,
                )
                call.status = int(answer.status)
            except Exception as exc:
                call.status = getattr(exc, "status", None)
                err = classify_hubspot(exc, "oauth.token", scrub=self.scrub)
                if isinstance(err, RecordRejected | FatalRemote) and err.status:
                    err = AuthError(
                        f"HubSpot refused the refresh token: {err}", endpoint="oauth.token"
                    )
                raise err from None
        payload = json.loads(answer.data or b"{}")
        token = payload.get("access_token")
        if not token:
            raise AuthError(
                "HubSpot token endpoint returned no access token", endpoint="oauth.token"
            )
        expires_in = payload.get("expires_in")
        return str(token), self._clock() + float(expires_in) if expires_in else None

    def api(self, path: str) -> Any:
        """A generated API object (``"crm.objects.batch_api"``), cached per token.

        The client's discovery builds a new ApiClient (and urllib3 pool, hence a new TLS
        handshake) on every attribute access; caching keeps connections alive.
        """
        client = self.client()
        cached = self._apis.get(path)
        if cached is not None and cached[0] is client:
            return cached[1]
        obj: Any = client
        for part in path.split("."):
            obj = getattr(obj, part)
        self._apis[path] = (client, obj)
        return obj

    def call(self, fn: Callable[[HubSpotSession], Any]) -> Any:
        """Run one raw call (``_preload_content=False``) and return its parsed JSON body."""
        sent = time.monotonic()
        response = fn(self)
        self.last_headers = dict(response.headers or {})
        self.clock.note(self.last_headers, time.monotonic() - sent)
        data = response.data
        if not data:
            return None
        return json.loads(data)

    def close(self) -> None:
        """Drop the client and cached API objects (urllib3 pools close with them)."""
        self._client = None
        self._apis.clear()
