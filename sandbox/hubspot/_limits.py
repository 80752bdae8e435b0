"""HubSpot's API rate limits: a rolling 10-second window and a secondly search limit per
token, and a daily budget per portal (crm-api-notes B2).

Limits come from the shared :class:`FaultPlan` (``hubspot_per_10s``, ``hubspot_search_per_s``,
``daily_limit``; None = not enforced) and can change at run time.  The rate-limit headers are
sent on every non-search answer, with HubSpot's published defaults when a limit is off.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime

from .._faults import FaultPlan
from .._http import Response
from ._errors import rate_limited

__all__ = ["RateLimiter"]

_DEFAULT_PER_10S = 100
_DEFAULT_DAILY = 250_000
_WINDOW_S = 10.0


class RateLimiter:
    """Counts requests per token and answers 429 when a limit is reached."""

    def __init__(self, faults: FaultPlan) -> None:
        self.faults = faults
        self._lock = threading.Lock()
        self._windows: dict[str, deque[float]] = {}
        self._search: dict[str, deque[float]] = {}
        self._day = ""
        self._daily_used = 0
        self.rejected: Counter[str] = Counter()

    def reset(self) -> None:
        """Forget all counted requests."""
        with self._lock:
            self._windows.clear()
            self._search.clear()
            self._daily_used = 0
            self.rejected.clear()

    def admit(self, token: str, search: bool) -> tuple[Response | None, dict[str, str]]:
        """Count one request; return a 429 response if a limit is hit, else the headers."""
        now = time.monotonic()
        faults = self.faults
        with self._lock:
            today = datetime.now(UTC).strftime("%Y-%m-%d")
            if today != self._day:
                self._day, self._daily_used = today, 0
            window = self._windows.setdefault(token, deque())
            while window and window[0] <= now - _WINDOW_S:
                window.popleft()
            per_10s = faults.hubspot_per_10s
            daily = faults.daily_limit
            headers = self._headers(len(window), per_10s, daily)
            retry = _retry_after(faults)
            if daily is not None and self._daily_used >= daily:
                return self._reject("DAILY", {**headers, **retry}), headers
            if per_10s is not None and len(window) >= per_10s:
                return self._reject("TEN_SECONDLY_ROLLING", {**headers, **retry}), headers
            if search:
                swin = self._search.setdefault(token, deque())
                while swin and swin[0] <= now - 1.0:
                    swin.popleft()
                per_s = faults.hubspot_search_per_s
                if per_s is not None and len(swin) >= per_s:
                    return self._reject("SECONDLY", retry), {}
                swin.append(now)
            window.append(now)
            self._daily_used += 1
            headers = self._headers(len(window), per_10s, daily)
        return None, ({} if search else headers)

    def _reject(self, policy: str, headers: dict[str, str]) -> Response:
        self.rejected[policy] += 1
        return rate_limited(policy, headers)

    def _headers(self, used: int, per_10s: int | None, daily: int | None) -> dict[str, str]:
        cap = per_10s if per_10s is not None else _DEFAULT_PER_10S
        day_cap = daily if daily is not None else _DEFAULT_DAILY
        return {
            "X-HubSpot-RateLimit-Daily": str(day_cap),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(day_cap - self._daily_used, 0)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(_WINDOW_S * 1000)),
            "X-HubSpot-RateLimit-Max": str(cap),
            "X-HubSpot-RateLimit-Remaining": str(max(cap - used, 0)),
            "X-HubSpot-RateLimit-Secondly": str(max(cap // 10, 1)),
            "X-HubSpot-RateLimit-Secondly-Remaining": str(max((cap - used) // 10, 0)),
        }

    def stats(self) -> dict[str, object]:
        """429s answered per policy and today's daily count."""
        with self._lock:
            return {"rate_limited_by_policy": dict(self.rejected), "daily_used": self._daily_used}


def _retry_after(faults: FaultPlan) -> dict[str, str]:
    # HubSpot does not document Retry-After; send it only when the fault plan asks for it.
    if faults.retry_after_s is None:
        return {}
    return {"Retry-After": str(max(round(faults.retry_after_s), 0))}
