"""Fault injection for the sandbox: what goes wrong, how often, deterministically.

A :class:`FaultPlan` is set at start (``--faults`` / fixture) or at run time through
``POST /_sandbox/faults``.  Every probabilistic fault draws from its own seeded stream, so a
given seed and request sequence always fails the same way, which is what makes crash and
fault tests reproducible.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["FaultPlan"]


@dataclass
class FaultPlan:
    """Fault rates (0..1 per request or per record) and limits; zero/None means off.

    - ``rate_429``: share of requests answered with the CRM's rate-limit error.
    - ``retry_after_s``: Retry-After value sent with injected 429s (None: no header).
    - ``rate_5xx``: share answered 503 (Salesforce SERVER_UNAVAILABLE / HubSpot 502-503).
    - ``rate_timeout``: share that hang for ``timeout_s`` seconds and then close.
    - ``drop_after_commit``: share of writes applied and then the reply dropped.
    - ``reject_record``: share of records in a batch write refused with a validation error.
    - ``index_lag_s``: seconds before a written HubSpot record is visible to search.
    - ``slow_ms``: added latency per request.
    - ``human_edit``: share of record updates preceded by a "human" edit of the same record
      (a concurrent change between our read and our write).
    - ``token_lifetime_s``: access tokens expire this long after issue (None: never).
    - ``daily_limit``: API calls allowed per day (Salesforce REQUEST_LIMIT_EXCEEDED /
      HubSpot DAILY 429); None: unlimited.
    - ``hubspot_per_10s``: HubSpot rolling 10-second limit per token (None: off).
    - ``hubspot_search_per_s``: HubSpot search requests per second per token (None: off).
    - ``expire_all_tokens``: when set true at run time, every issued token is invalid now.
    """

    seed: int = 0
    rate_429: float = 0.0
    retry_after_s: float | None = 1.0
    rate_5xx: float = 0.0
    rate_timeout: float = 0.0
    timeout_s: float = 2.0
    drop_after_commit: float = 0.0
    reject_record: float = 0.0
    index_lag_s: float = 0.0
    slow_ms: int = 0
    human_edit: float = 0.0
    token_lifetime_s: float | None = None
    daily_limit: int | None = None
    hubspot_per_10s: int | None = None
    hubspot_search_per_s: int | None = None
    expire_all_tokens: bool = False
    _streams: dict[str, random.Random] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def roll(self, kind: str) -> bool:
        """Whether the fault ``kind`` (a rate attribute name) fires for this request/record."""
        rate = float(getattr(self, kind))
        if rate <= 0.0:
            return False
        with self._lock:
            stream = self._streams.get(kind)
            if stream is None:
                stream = self._streams[kind] = random.Random(f"{self.seed}:{kind}")
            return stream.random() < rate

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update (from the admin endpoint); unknown keys raise ValueError."""
        known = {f.name for f in fields(self) if not f.name.startswith("_")}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(
                f"unknown fault keys: {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        with self._lock:
            for key, value in changes.items():
                setattr(self, key, value)
            if "seed" in changes:
                self._streams.clear()

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-able data (private state left out)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
