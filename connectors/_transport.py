"""The one layer every CRM request goes through: pacing, quota, retries, counting, refresh.

Both connectors wrap each library call in :meth:`Caller.call`, so a request is paced by the
client-side limiter, refused before sending when the run's quota share is spent, retried on
:class:`~nextadvance.core.errors.Retryable` only (honouring ``retry_after``, within a total
deadline), re-sent once after a token refresh on :class:`~nextadvance.core.errors.AuthError`,
and counted per endpoint.  The libraries' own retries are switched off, so this is the only
retry layer.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

import tenacity

from nextadvance.connectors._base import Budget, CallEvent, CallStats, ConnectorConfig
from nextadvance.connectors._config import Limits
from nextadvance.connectors._redact import redact
from nextadvance.core.errors import (
    AuthError,
    ConnectorError,
    FatalRemote,
    QuotaExhausted,
    RateLimited,
    Retryable,
    Timeout,
)

__all__ = ["Caller", "QuotaGuard", "RollingWindow", "redact"]

T = TypeVar("T")
log = logging.getLogger("nextadvance.connectors")


class RollingWindow:
    """At most ``limit`` requests in any ``window_s`` seconds; :meth:`acquire` waits its turn.

    HubSpot enforces rolling windows (e.g. 100 per 10 s, search 4 per s), so pacing on the
    client keeps a healthy run free of 429s.
    """

    def __init__(
        self,
        limit: int,
        window_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = max(1, limit)
        self.window_s = window_s
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()
        self.waited_s = 0.0

    def acquire(self) -> None:
        """Block until one more request fits into the window, then record it."""
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and self._sent[0] <= now - self.window_s:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return
                wait = self._sent[0] + self.window_s - now
            self.waited_s += wait
            self._sleep(max(wait, 0.001))

    def release(self) -> None:
        """Re-stamp the latest request with the time its answer arrived.

        The CRM counts a request when it receives it, which is after :meth:`acquire` and
        before the answer; counting the window from the answer keeps network jitter from
        squeezing 101 requests into the CRM's 10 s (sequential callers, as the connectors are).
        """
        with self._lock:
            if self._sent:
                self._sent[-1] = max(self._sent[-1], self._clock())


class QuotaGuard:
    """Stops a run cleanly before it spends more than its share of the daily quota.

    The allowance is fixed at the first quota report of the run: ``share`` x what remained.
    """

    def __init__(self, share: float, source: str) -> None:
        self.share = share
        self.source = source
        self.used: int | None = None
        self.limit: int | None = None
        self.allowance: int | None = None
        self.run_calls = 0
        self._lock = threading.Lock()

    def observe(self, used: int | None, limit: int | None) -> None:
        """Record the CRM's latest usage report (``used`` of ``limit`` in its window)."""
        if used is None or limit is None:
            return
        with self._lock:
            self.used, self.limit = used, limit
            if self.allowance is None:
                self.allowance = int(self.share * max(limit - used, 0))

    def check(self, endpoint: str) -> None:
        """Count one request about to be sent, or raise QuotaExhausted instead."""
        with self._lock:
            if self.limit is not None and self.used is not None and self.used >= self.limit:
                raise QuotaExhausted(
                    f"daily API quota spent ({self.used}/{self.limit}); stopping, cursor kept",
                    endpoint=endpoint,
                )
            if self.allowance is not None and self.run_calls >= self.allowance:
                raise QuotaExhausted(
                    f"this run used its share of the remaining daily quota "
                    f"({self.run_calls} calls = {self.share:.0%} of what remained); "
                    "stopping, cursor kept",
                    endpoint=endpoint,
                )
            self.run_calls += 1

    def budget(self) -> Budget:
        """The quota as last reported, plus what this run has spent."""
        remaining = None if self.used is None or self.limit is None else self.limit - self.used
        return Budget(
            used=self.used,
            limit=self.limit,
            remaining=remaining,
            source=self.source,
            run_calls=self.run_calls,
            run_allowance=self.allowance,
        )


class Caller:
    """Runs one library call per attempt under pacing, quota, retry and refresh policy.

    ``classify`` turns any exception into the error tree (it is the per-CRM function that
    decides what a failure means); ``refresh`` gets a new token and returns whether it did.
    """

    def __init__(
        self,
        system: str,
        config: ConnectorConfig,
        *,
        classify: Callable[[BaseException, str], ConnectorError],
        refresh: Callable[[], bool] | None = None,
        quota: QuotaGuard,
        limiter: RollingWindow | None = None,
        search_limiter: RollingWindow | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.system = system
        self.config = config
        self.stats = CallStats()
        self.quota = quota
        self._classify = classify
        self._refresh = refresh
        self._limiter = limiter
        self._search_limiter = search_limiter
        self._sleep = sleep

    def call(
        self, endpoint: str, fn: Callable[[], T], *, write: bool = False, search: bool = False
    ) -> T:
        """``fn()`` with retries; raises only :class:`ConnectorError` subclasses."""
        limits = self.config.limits
        state = {"attempt": 0, "refreshed": False}

        def attempt() -> T:
            state["attempt"] += 1
            try:
                return self._send(endpoint, fn, write, search, retry=state["attempt"] > 1)
            except AuthError:
                if self._refresh is None or state["refreshed"]:
                    raise
                state["refreshed"] = True
                if not self._refresh():
                    raise
                return self._send(endpoint, fn, write, search, retry=True)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Retryable),
            wait=_wait_retry_after(limits.backoff_max_s),
            stop=_stop(limits),
            sleep=self._sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        started = time.monotonic()
        try:
            return retrying(attempt)
        except Timeout as exc:
            took = time.monotonic() - started
            raise Timeout(
                f"{exc}; gave up after {state['attempt']} attempt(s) in {took:.1f} s "
                f"(connect timeout {limits.connect_timeout_s:g} s, read timeout "
                f"{limits.timeout_s:g} s, request deadline {limits.retry_deadline_s:g} s)",
                endpoint=exc.endpoint,
                status=exc.status,
            ) from exc

    def record(self, endpoint: str, status: int | None, seconds: float, *, write: bool) -> None:
        """Count a request made outside :meth:`call` (the OAuth token exchange)."""
        event = CallEvent(self.system, endpoint, write=write, status=status, seconds=seconds)
        self.stats.record(event)
        if self.config.on_call is not None:
            self.config.on_call(event)

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        # messages are already scrubbed by the classifier; never log request data
        log.warning(
            "%s %s: retry %d in %.1fs after %s",
            self.system,
            getattr(exc, "endpoint", "?"),
            state.attempt_number,
            wait,
            type(exc).__name__,
        )

    def _not_this_api(self, err: ConnectorError, endpoint: str) -> ConnectorError | None:
        """A 404 that means the base_url is not this CRM's API (wrong ``crm:`` or URL).

        A web page instead of the CRM's JSON cannot be a missing record: say which URL and
        CRM were assumed, and stop instead of skipping record after record.
        """
        text = str(err).lower()
        html = "<html" in text or "<!doctype" in text
        if not html:
            return None
        label = {"salesforce": "Salesforce", "hubspot": "HubSpot"}.get(self.system, self.system)
        return FatalRemote(
            f"{self.config.base_url} does not look like the {label} API: {endpoint} answered "
            f"404 Not Found with a web page. Check the connection's crm "
            f"({self.system}) and base_url (Salesforce: https://<org>.my.salesforce.com; "
            "HubSpot: https://api.hubapi.com)",
            endpoint=endpoint,
            status=404,
        )

    def _send(
        self, endpoint: str, fn: Callable[[], T], write: bool, search: bool, *, retry: bool
    ) -> T:
        self.quota.check(endpoint)
        if self._limiter is not None:
            self._limiter.acquire()
        if search and self._search_limiter is not None:
            self._search_limiter.acquire()
        started = time.monotonic()
        status: int | None = 200
        try:
            return fn()
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            err = exc if isinstance(exc, ConnectorError) else self._classify(exc, endpoint)
            status = err.status
            if status == 404 and not write:
                err = self._not_this_api(err, endpoint) or err
            if err is exc:
                raise
            raise err from exc
        finally:
            if self._limiter is not None:
                self._limiter.release()
            if search and self._search_limiter is not None:
                self._search_limiter.release()
            event = CallEvent(
                system=self.system,
                endpoint=endpoint,
                write=write,
                status=status,
                seconds=time.monotonic() - started,
                retry=retry,
            )
            self.stats.record(event)
            log.debug(
                "%s %s status=%s %.3fs%s",
                self.system,
                endpoint,
                status,
                event.seconds,
                " (retry)" if retry else "",
            )
            if self.config.on_call is not None:
                self.config.on_call(event)


def _stop(limits: Limits) -> Callable[[tenacity.RetryCallState], bool]:
    """Stop at ``max_attempts``, at the request deadline, or when a timed-out request could
    not time out once more before the deadline (never overshoot it by a whole timeout)."""

    def stop(state: tenacity.RetryCallState) -> bool:
        elapsed = state.seconds_since_start or 0.0
        if state.attempt_number >= limits.max_attempts or elapsed >= limits.retry_deadline_s:
            return True
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Timeout):
            return elapsed + sum(limits.timeouts) > limits.retry_deadline_s
        return False

    return stop


def _wait_retry_after(max_s: float) -> Callable[[tenacity.RetryCallState], float]:
    """Wait what the CRM asked for (Retry-After), else exponential backoff with jitter."""

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return float(min(max(exc.retry_after, 0.0), max_s))
        base: float = min(0.5 * 2.0 ** (state.attempt_number - 1), max_s)
        return base * (0.5 + random.random() / 2)

    return wait
