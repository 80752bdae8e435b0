"""Who may call the HubSpot emulation: private-app tokens, OAuth refresh, scopes, expiry.

A private-app token never expires.  OAuth access tokens come from ``POST /oauth/v1/token``
(grant_type=refresh_token) and live ``faults.token_lifetime_s`` (default 1800 s, HubSpot's
30 minutes); ``faults.expire_all_tokens`` invalidates every OAuth token issued so far.  A token
can be given a reduced scope set to provoke 403 MISSING_SCOPES.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs

from .._faults import FaultPlan
from .._http import Request, Response, json_response
from ._errors import error

__all__ = [
    "ALL_SCOPES",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "PRIVATE_APP_TOKEN",
    "REFRESH_TOKEN",
    "Auth",
]

# Well-known sandbox credentials (invented; only valid against the loopback sandbox).
PRIVATE_APP_TOKEN = "pat-na1-sandbox-0000-0000-000000000000"
CLIENT_ID = "sandbox-client-id"
CLIENT_SECRET = "sandbox-client-secret"
REFRESH_TOKEN = "na1-sandbox-refresh-0000-0000-000000000000"
DEFAULT_LIFETIME_S = 1800.0

ALL_SCOPES: frozenset[str] = frozenset(
    f"crm.{kind}.{obj}.{rw}"
    for kind, objs in (
        ("objects", ("deals", "companies", "contacts", "owners")),
        ("schemas", ("deals", "companies", "contacts")),
    )
    for obj in objs
    for rw in ("read", "write")
) | frozenset(
    # The other standard objects (tickets, e-commerce, quotes, ...) and custom schemas.
    {"tickets", "e-commerce", "crm.schemas.custom.read", "oauth"}
    | {
        f"crm.objects.{obj}.{rw}"
        for obj in ("line_items", "quotes", "feedback_submissions", "leads", "goals")
        for rw in ("read", "write")
    }
)


@dataclass
class _Token:
    scopes: frozenset[str]
    issued: float  # monotonic
    lifetime_s: float | None  # None: never expires (private app)


class Auth:
    """Token registry and checks (thread-safe)."""

    def __init__(self, faults: FaultPlan, scopes: frozenset[str] = ALL_SCOPES) -> None:
        self.faults = faults
        self._lock = threading.Lock()
        self._tokens: dict[str, _Token] = {}
        self._refresh: dict[str, tuple[str, frozenset[str]]] = {}
        self._clients: dict[str, str] = {CLIENT_ID: CLIENT_SECRET}
        # OAuth tokens issued up to this moment are dead (set each time expire_all_tokens is
        # seen switching on; never cleared, so switching it off does not revive them).
        self._expired_cutoff: float | None = None
        self._flag_seen = False
        self.issued = 0
        self.add_private_token(PRIVATE_APP_TOKEN, scopes)
        self.add_refresh_token(REFRESH_TOKEN, CLIENT_ID, scopes)

    def add_private_token(self, token: str, scopes: frozenset[str] | set[str] = ALL_SCOPES) -> None:
        """Register a never-expiring private-app token with these scopes."""
        with self._lock:
            self._tokens[token] = _Token(frozenset(scopes), time.monotonic(), None)

    def add_refresh_token(
        self, token: str, client_id: str = CLIENT_ID, scopes: frozenset[str] | set[str] = ALL_SCOPES
    ) -> None:
        """Register an OAuth refresh token; access tokens minted from it get ``scopes``."""
        with self._lock:
            self._refresh[token] = (client_id, frozenset(scopes))

    def set_scopes(self, token: str, scopes: set[str] | frozenset[str]) -> None:
        """Change the scopes of a registered access or refresh token."""
        with self._lock:
            if token in self._tokens:
                self._tokens[token].scopes = frozenset(scopes)
            if token in self._refresh:
                self._refresh[token] = (self._refresh[token][0], frozenset(scopes))

    def token_endpoint(self, request: Request) -> Response:
        """``POST /oauth/v1/token``: exchange a refresh token for a new access token."""
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        form.update({k: v[0] for k, v in request.query.items() if v and k not in form})
        if form.get("grant_type") != "refresh_token":
            return _oauth_error("BAD_GRANT_TYPE", "missing or unsupported grant_type")
        client_id = form.get("client_id", "")
        if client_id not in self._clients:
            return _oauth_error("BAD_CLIENT_ID", "missing or unknown client id")
        if self._clients[client_id] != form.get("client_secret"):
            return _oauth_error("BAD_CLIENT_SECRET", "missing or invalid client secret")
        refresh = form.get("refresh_token", "")
        with self._lock:
            self._observe_flag(time.monotonic())
            known = self._refresh.get(refresh)
            if known is None or known[0] != client_id:
                return _oauth_error("BAD_REFRESH_TOKEN", "missing or unknown refresh token")
            lifetime = self.faults.token_lifetime_s
            lifetime = DEFAULT_LIFETIME_S if lifetime is None else float(lifetime)
            access = "CN" + secrets.token_urlsafe(48)
            self._tokens[access] = _Token(known[1], time.monotonic(), lifetime)
            self.issued += 1
        body = {
            "token_type": "bearer",
            "refresh_token": refresh,
            "access_token": access,
            "expires_in": int(lifetime),
        }
        return json_response(200, body)

    def _observe_flag(self, now: float) -> None:
        flag = bool(self.faults.expire_all_tokens)
        if flag and not self._flag_seen:
            self._expired_cutoff = now
        self._flag_seen = flag

    def scopes_of(self, token: str) -> frozenset[str]:
        """The scopes of a live token this portal issued (empty: unknown or expired)."""
        request = Request("GET", "/", headers={"authorization": f"Bearer {token}"})
        _, denied = self.check(request, None)
        if denied is not None:
            return frozenset()
        with self._lock:
            return self._tokens[token].scopes

    def check(self, request: Request, scope: str | None) -> tuple[str, Response | None]:
        """The caller's token and, when it may not proceed, the 401/403 to answer."""
        token = request.bearer
        now = time.monotonic()
        with self._lock:
            self._observe_flag(now)
            info = self._tokens.get(token) if token else None
        if info is None:
            return token or "", _unauthenticated()
        if info.lifetime_s is not None:
            expires = info.issued + info.lifetime_s
            if self._expired_cutoff is not None and info.issued <= self._expired_cutoff:
                expires = min(expires, self._expired_cutoff)
            if now >= expires:
                return token or "", _expired(now - expires)
        if scope is not None and scope not in info.scopes:
            return token or "", _missing_scope(scope)
        return token or "", None


def _oauth_error(status: str, message: str) -> Response:
    import uuid

    return json_response(
        400, {"status": status, "message": message, "correlationId": str(uuid.uuid4())}
    )


def _unauthenticated() -> Response:
    return error(
        401,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
        "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        headers={"X-HubSpot-Auth-Failure": "401 Unauthorized"},
    )


def _expired(ago_s: float) -> Response:
    when = datetime.now(UTC).timestamp() - ago_s
    stamp = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return error(
        401,
        "EXPIRED_AUTHENTICATION",
        f"The OAuth token used to make this call expired {int(ago_s)} second(s) ago.",
        headers={"X-HubSpot-Auth-Failure": "401 Unauthorized"},
        context={"expire time": [stamp]},
    )


def _missing_scope(scope: str) -> Response:
    return error(
        403,
        "MISSING_SCOPES",
        "This app hasn't been granted all required scopes to make this call. Read more about "
        "required scopes here: https://developers.hubspot.com/scopes.",
        errors=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": [scope]},
            }
        ],
        links={"scopes": "https://developers.hubspot.com/scopes"},
    )
