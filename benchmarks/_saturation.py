"""Rate-limit saturation: a HubSpot full sync under the 100 requests / 10 s per-token limit.

The sandbox enforces HubSpot's rolling window (``hubspot_per_10s``) and answers 429 past it.
The floor is ``calls / (limit / 10 s)`` (``rolling_floor_s``: the first ``limit`` calls are free); a good client finishes close to it (target: within
10 %) and rarely hits the limit (target: 429s under 1 % of requests).  The sync runs with the
connection's default limits, i.e. what a user gets without tuning.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks._harness import run_sync_here, sandbox_process, write_config

__all__ = ["measure"]


def measure(deals: int = 1_000, per_10s: int = 100, seed: int = 7) -> dict[str, Any]:
    """Full HubSpot sync of ``deals`` deals under ``per_10s`` requests per 10 s."""
    with sandbox_process("hubspot", deals, seed) as sb:
        config = write_config(sb)
        sb.set_faults(hubspot_per_10s=per_10s)
        # the property set-up requests share the token: let them leave the 10 s window first
        time.sleep(10.5)
        before = sb.stats()
        rep = run_sync_here(config)
        after = sb.stats()
    requests = after["total_requests"] - before["total_requests"]
    limited = after["rate_limited"] - before["rate_limited"]
    floor = rep["api_calls"]["total"] / (per_10s / 10)
    return {
        "crm": "hubspot",
        "deals": deals,
        "limit_per_10s": per_10s,
        "status": rep["status"],
        "api_calls": rep["api_calls"]["total"],
        "retries": rep["api_calls"]["retries"],
        "requests_seen_by_sandbox": requests,
        "rate_limited_429": limited,
        "rate_limited_share": round(limited / requests, 4) if requests else 0.0,
        "wall_s": rep["wall_s"],
        "floor_s": round(floor, 1),
        "over_floor": round(rep["wall_s"] / floor - 1, 3) if floor else 0.0,
        # strict floor of a rolling window: the first ``per_10s`` requests need not wait
        "rolling_floor_s": round(max(0, rep["api_calls"]["total"] - per_10s) / (per_10s / 10), 1),
    }
