"""What both CRM sessions do with a token, whatever library carries it.

Both keep the current access token and its expiry, refresh it shortly before it expires
(when a refresh token and client id are configured), rebuild their client on a new token,
count refreshes, report each token request's status and duration to the caller's counters,
and scrub every secret they know from messages.  Only the OAuth exchange itself and the
client they build differ per CRM (:meth:`TokenSession._exchange`,
:meth:`TokenSession._new_client`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from nextadvance.connectors._config import ConnectorConfig
from nextadvance.connectors._transport import redact

__all__ = ["REFRESH_MARGIN_S", "TokenCall", "TokenSession"]

#: Refresh a token this many seconds before a known expiry.
REFRESH_MARGIN_S = 120.0

C = TypeVar("C")


class TokenCall:
    """The HTTP status of one token request, set by the code that makes it (None: no answer)."""

    status: int | None = None


class TokenSession(Generic[C]):
    """Token, expiry, refresh bookkeeping, client cache and secret scrubbing of one connection."""

    def __init__(self, config: ConnectorConfig, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        creds = config.credentials
        self._token: str | None = (
            creds.access_token.get_secret_value() if creds.access_token else None
        )
        self._expires = creds.expires_at.timestamp() if creds.expires_at else None
        self._clock = clock
        self._client: C | None = None
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

    # -- client and token ----------------------------------------------------------------
    @property
    def can_refresh(self) -> bool:
        creds = self.config.credentials
        return creds.refresh_token is not None and creds.client_id is not None

    def client(self) -> C:
        """The client for a token valid for at least the refresh margin (refreshing first)."""
        expiring = self._expires is not None and self._clock() > self._expires - REFRESH_MARGIN_S
        if (self._token is None or expiring) and self.can_refresh:
            self.refresh()
        if self._client is None:
            self._client = self._new_client(self._token)
        return self._client

    def refresh(self) -> bool:
        """Exchange the refresh token for a new access token; False when we cannot refresh."""
        if not self.can_refresh:
            return False
        self._token, self._expires = self._exchange()
        self._client = None
        self.refreshes += 1
        return True

    def _new_client(self, token: str | None) -> C:
        """The CRM library's client for ``token``."""
        raise NotImplementedError

    def _exchange(self) -> tuple[str, float | None]:
        """One OAuth refresh-token request: the new token and its expiry (None: unknown).

        Raises the error tree (AuthError when the CRM refuses the refresh token).
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release the client's connections; the session must not be used afterwards."""
        raise NotImplementedError

    @contextmanager
    def _token_request(self) -> Iterator[TokenCall]:
        """Time one token request and report it to :attr:`on_token_call`, even when it fails."""
        call = TokenCall()
        started = time.monotonic()
        try:
            yield call
        finally:
            if self.on_token_call is not None:
                self.on_token_call(call.status, time.monotonic() - started)
