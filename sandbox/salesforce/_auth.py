"""OAuth for the emulated org: the token endpoint, issued sessions, expiry and the daily limit.

Grants: ``password`` (client id/secret + username/password, the security token may be
appended to the password) and ``refresh_token``.  Sessions expire after
``faults.token_lifetime_s`` and all at once when ``faults.expire_all_tokens`` is set; an
expired session is answered 401 ``INVALID_SESSION_ID`` as a JSON list (simple-salesforce
reads ``[0]['errorCode']``).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs

from .._faults import FaultPlan
from .._http import Request, Response, json_response

__all__ = ["Auth", "sf_error"]

#: API calls per 24 h the Sforce-Limit-Info header reports when no daily limit is set
DEFAULT_DAILY = 5_000_000


def sf_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    """A REST error body as Salesforce sends it: a JSON list of {message, errorCode}."""
    return json_response(status, [{"message": message, "errorCode": code}], headers)


class Auth:
    """Credentials of the sandbox org, issued sessions and the API usage counter."""

    def __init__(self, faults: FaultPlan, seed: int) -> None:
        digest = hashlib.sha256(f"nextadvance-sandbox-salesforce:{seed}".encode()).hexdigest()
        self.faults = faults
        self.client_id = "3MVG9sandbox" + digest[:40]
        self.client_secret = digest[40:64].upper()
        self.username = "integration@sandbox.example-seller.test"
        self.password = "sandbox-password-" + digest[:8]
        self.security_token = digest[8:20]
        self.refresh_token = "5Aep861sandbox" + digest[20:60]
        self.org_id = "00D5g00000SANDBX"
        self.lock = threading.Lock()
        self.sessions: dict[str, float] = {}
        self.revoked_before = 0.0
        self._flag_seen = False
        self.used = 0
        self.limit_refusals = 0
        self.session_id = self.issue()

    def credentials(self) -> dict[str, str]:
        """The sandbox-only invented credentials (never real ones)."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "username": self.username,
            "password": self.password,
            "security_token": self.security_token,
            "refresh_token": self.refresh_token,
            "session_id": self.session_id,
        }

    def issue(self) -> str:
        """A new session id, valid from now."""
        token = f"{self.org_id}!AQ" + secrets.token_urlsafe(48)
        with self.lock:
            self.sessions[token] = time.time()
        return token

    def observe_faults(self) -> None:
        """Turn a raised ``expire_all_tokens`` flag into 'every session issued so far is dead'."""
        flag = bool(self.faults.expire_all_tokens)
        with self.lock:
            if flag and not self._flag_seen:
                self.revoked_before = time.time()
            self._flag_seen = flag

    def valid(self, token: str | None) -> bool:
        """Whether a bearer token is a live session."""
        if not token:
            return False
        with self.lock:
            issued = self.sessions.get(token)
        if issued is None or issued <= self.revoked_before:
            return False
        lifetime = self.faults.token_lifetime_s
        return lifetime is None or time.time() - issued < float(lifetime)

    def usage_header(self) -> dict[str, str]:
        """``Sforce-Limit-Info`` as sent on every REST response."""
        limit = self.faults.daily_limit or DEFAULT_DAILY
        return {"Sforce-Limit-Info": f"api-usage={min(self.used, limit)}/{limit}"}

    def spend(self) -> Response | None:
        """Count one API call; the REQUEST_LIMIT_EXCEEDED answer once the daily limit is spent."""
        limit = self.faults.daily_limit
        with self.lock:
            if limit is not None and self.used >= int(limit):
                self.limit_refusals += 1
                refused = True
            else:
                self.used += 1
                refused = False
        if refused:
            return sf_error(
                403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", self.usage_header()
            )
        return None

    def token_endpoint(self, request: Request, instance_url: str) -> Response:
        """``POST /services/oauth2/token`` for the password and refresh_token grants."""
        if request.method != "POST":
            return json_response(
                405, {"error": "invalid_request", "error_description": "must use HTTP POST"}
            )
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        form.update({k: v[0] for k, v in request.query.items() if k not in form})
        grant = form.get("grant_type")
        if grant not in ("password", "refresh_token"):
            return json_response(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant type not supported",
                },
            )
        if form.get("client_id") != self.client_id:
            return json_response(
                400,
                {"error": "invalid_client_id", "error_description": "client identifier invalid"},
            )
        if form.get("client_secret") != self.client_secret:
            return json_response(
                400, {"error": "invalid_client", "error_description": "invalid client credentials"}
            )
        if grant == "password":
            ok = form.get("username") == self.username and form.get("password") in (
                self.password,
                self.password + self.security_token,
            )
        else:
            ok = form.get("refresh_token") == self.refresh_token
        if not ok:
            return json_response(
                400, {"error": "invalid_grant", "error_description": "authentication failure"}
            )
        self.observe_faults()
        token = self.issue()
        body: dict[str, Any] = {
            "access_token": token,
            "instance_url": instance_url,
            "id": f"{instance_url}/id/{self.org_id}/0055g0000000001AAA",
            "token_type": "Bearer",
            "issued_at": str(int(time.time() * 1000)),
            "signature": hashlib.sha256(token.encode()).hexdigest()[:43] + "=",
        }
        return json_response(200, body)

    def stats(self) -> dict[str, Any]:
        """Counters for ``/_sandbox/stats``."""
        return {
            "api_usage": self.used,
            "limit_exceeded": self.limit_refusals,
            "sessions_issued": len(self.sessions),
        }
