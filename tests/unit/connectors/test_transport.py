"""The shared transport pieces: pacing window, quota guard, redaction, retry policy."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from nextadvance.connectors import (
    AuthError,
    ConnectorConfig,
    Credentials,
    FatalRemote,
    Limits,
    QuotaExhausted,
    RateLimited,
    Unavailable,
)
from nextadvance.connectors._transport import Caller, QuotaGuard, RollingWindow, redact


class FakeClock:
    """A manual clock: sleeping advances it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rolling_window_never_exceeds_its_limit():
    """Eleven requests through a 5-per-10s window take two waits and never overfill it."""
    clock = FakeClock()
    window = RollingWindow(5, 10.0, clock=clock, sleep=clock.sleep)
    stamps = []
    for _ in range(11):
        window.acquire()
        stamps.append(clock.now)
    for i, t in enumerate(stamps):
        assert sum(1 for s in stamps[: i + 1] if s > t - 10.0) <= 5
    assert stamps[-1] == pytest.approx(20.0)


def test_quota_guard_allows_its_share_of_what_remained():
    """With 100 of 1,000 used and share 0.5, the run may send 450 requests, not one more."""
    guard = QuotaGuard(0.5, "test")
    guard.observe(100, 1000)
    for _ in range(450):
        guard.check("q")
    with pytest.raises(QuotaExhausted):
        guard.check("q")
    assert guard.budget().run_calls == 450


def test_quota_guard_stops_when_the_crm_reports_the_limit_reached():
    """A usage report at the limit stops the next request before it is sent."""
    guard = QuotaGuard(1.0, "test")
    guard.observe(10, 10)
    with pytest.raises(QuotaExhausted):
        guard.check("q")


def test_redact_removes_tokens_and_known_secrets():
    """Bearer tokens, token parameters, session ids and known values all become [REDACTED]."""
    text = (
        "Authorization: Bearer abc.def-123 access_token=xyz&refresh_token=rrr "
        '{"client_secret": "shh"} 00D5g000000ABCD!AQ4AQ.sid mine-secret-value'
    )
    out = redact(text, ["mine-secret-value"])
    for secret in ("abc.def-123", "xyz", "rrr", "shh", "AQ4AQ.sid", "mine-secret-value"):
        assert secret not in out


def _caller(classify, refresh=None, max_attempts=4):
    config = ConnectorConfig(
        system="hubspot",
        base_url="https://crm.example.test",
        credentials=Credentials(access_token=SecretStr("t")),
        limits=Limits(max_attempts=max_attempts, retry_deadline_s=60, backoff_max_s=5),
    )
    clock = FakeClock()
    caller = Caller(
        "hubspot",
        config,
        classify=classify,
        refresh=refresh,
        quota=QuotaGuard(1.0, "t"),
        sleep=clock.sleep,
    )
    return caller, clock


class Boom(Exception):
    """A library failure standing in for a CRM answer."""


def test_retryable_failures_are_retried_honouring_retry_after():
    """Two rate-limited answers are retried after the CRM's Retry-After, then the call succeeds."""
    answers = iter([Boom(), Boom(), "ok"])

    def fn():
        item = next(answers)
        if isinstance(item, Exception):
            raise item
        return item

    caller, clock = _caller(lambda exc, ep: RateLimited("slow down", retry_after=2.5, endpoint=ep))
    assert caller.call("deals.search", fn) == "ok"
    assert clock.slept == [2.5, 2.5]
    snap = caller.stats.snapshot()
    assert (snap["total"], snap["retries"], snap["errors"]) == (3, 2, 2)


def test_non_retryable_failures_are_raised_at_once_with_the_cause():
    """A fatal answer is not retried and keeps the library exception as its cause."""
    calls = []

    def fn():
        calls.append(1)
        raise Boom("bad query")

    caller, _ = _caller(lambda exc, ep: FatalRemote("bad", endpoint=ep))
    with pytest.raises(FatalRemote) as info:
        caller.call("query", fn)
    assert isinstance(info.value.__cause__, Boom)
    assert len(calls) == 1


def test_retries_stop_after_max_attempts():
    """A CRM that stays down is tried max_attempts times, then Unavailable surfaces."""
    calls = []

    def fn():
        calls.append(1)
        raise Boom()

    caller, _ = _caller(lambda exc, ep: Unavailable("down", endpoint=ep), max_attempts=3)
    with pytest.raises(Unavailable):
        caller.call("query", fn)
    assert len(calls) == 3


def test_auth_failure_refreshes_once_then_gives_up():
    """A 401 triggers exactly one refresh and one resend; a second 401 is an AuthError."""
    refreshes = []

    def refresh():
        refreshes.append(1)
        return True

    def fn():
        raise Boom()

    caller, _ = _caller(lambda exc, ep: AuthError("expired", endpoint=ep), refresh=refresh)
    with pytest.raises(AuthError):
        caller.call("query", fn)
    assert len(refreshes) == 1
    assert caller.stats.total == 2


def test_rolling_window_counts_from_the_answer_so_slow_requests_never_overfill_the_crm():
    """With release() after each answer, the CRM (stamping on arrival) never sees limit+1."""
    clock = FakeClock()
    window = RollingWindow(5, 10.0, clock=clock, sleep=clock.sleep)
    arrivals = []
    for i in range(16):
        window.acquire()
        latency = 0.9 if i % 5 == 0 else 0.1  # the first of each burst is slow to arrive
        arrivals.append(clock.now + latency)
        clock.now += latency + 0.05
        window.release()
    for t in arrivals:
        assert sum(1 for a in arrivals if t - 10.0 < a <= t) <= 5
