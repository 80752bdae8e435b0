"""Throughput and memory of a full sync: wall time, deals/s and the sync's own peak RSS.

The sandbox serves the org from its own process and the sync runs in a fresh child process,
so the peak RSS reported (``getrusage`` of that child) is the sync's alone: connector, engine,
planner and the SQLite state store, without the emulator's copy of the org.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks._harness import run_sync_child, sandbox_process, write_config

__all__ = ["measure"]


def measure(crm: str, deals: int, seed: int = 7) -> dict[str, Any]:
    """Seed ``deals`` deals (~10 activities each), run one full sync in a child process."""
    started = time.perf_counter()
    with sandbox_process(crm, deals, seed) as sb:
        seeded = time.perf_counter() - started
        rep = run_sync_child(write_config(sb))
    wall = rep["wall_s"]
    return {
        "crm": crm,
        "deals": deals,
        "status": rep["status"],
        "activities_pulled": rep["activities_pulled"],
        "open_deals_decided": rep["deals"]["decided"],
        "tasks_created": rep["tasks"]["created"],
        "api_calls": rep["api_calls"]["total"],
        "sandbox_start_s": round(seeded, 1),
        "wall_s": wall,
        "deals_per_s": round(deals / wall) if wall else 0,
        "sync_peak_rss_mb": rep["peak_rss_mb"],
    }
