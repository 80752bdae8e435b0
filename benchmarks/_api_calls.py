"""API calls of real sync runs against the theoretical minimum (see ``_minimum``).

For one CRM and org size: a full sync, an incremental sync after reps changed 1 % of the
deals (``mutate``), the next run (it reads back the echoes of our own writes), and a run with
nothing changed at all.  Runs are ``gap_s`` apart on the CRM's clock, as a schedule spaces
them (the sandbox's clock is moved forward, no waiting; 0 = back to back): the look-back
re-reads the changes of the ``lookback`` seconds before the previous read, so runs closer
than that re-read a burst of echoes.  Each run's calls are counted twice, by the RunReport and
by the sandbox's own per-endpoint counters, and the two must agree.  The sandbox runs in its own
process; the sync runs here, through the public ``run_sync``.
"""

from __future__ import annotations

from typing import Any

from benchmarks._harness import endpoint_delta, run_sync_here, sandbox_process, write_config
from benchmarks._minimum import changes, hubspot_minimum, salesforce_minimum

__all__ = ["SCENARIOS", "SCHEDULE_GAP_S", "measure"]

SCENARIOS = ("full", "incremental_1pct", "echo", "no_change")
#: CRM time between two runs: the ``*/30`` schedule of README.md / docs/configuration.md
SCHEDULE_GAP_S = 1800.0
_ADMIN = ("/_sandbox", "/oauth", "/services/oauth2")


def _written_deals(crm: str, before: dict[str, Any], after: dict[str, Any]) -> int:
    """Deals whose record our run updated (their modified stamp moved during the run)."""
    if crm == "salesforce":
        old = {r["Id"]: r["SystemModstamp"] for r in before["Opportunity"]}
        return sum(1 for r in after["Opportunity"] if old.get(r["Id"]) != r["SystemModstamp"])
    old = {r["id"]: r["updatedAt"] for r in before["objects"]["deals"]}
    return sum(1 for r in after["objects"]["deals"] if old.get(r["id"]) != r["updatedAt"])


def _minimum(
    crm: str, prev: dict[str, Any] | None, now: dict[str, Any], after: dict[str, Any], rep: Any
) -> dict[str, int]:
    ch = changes(crm, prev, now)
    updates = _written_deals(crm, now, after)
    t = rep["tasks"]
    if crm == "salesforce":
        return salesforce_minimum(ch, updates, t["closed"], t["created"] + t["updated"])
    return hubspot_minimum(ch, updates, t["closed"], t["created"], t["updated"])


def measure(
    crm: str, deals: int, seed: int = 7, gap_s: float = SCHEDULE_GAP_S
) -> list[dict[str, Any]]:
    """Run the four scenarios on a fresh sandbox, ``gap_s`` apart; one row per scenario."""
    rows: list[dict[str, Any]] = []
    with sandbox_process(crm, deals, seed) as sb:
        config = write_config(sb)
        prev: dict[str, Any] | None = None
        snap = sb.snapshot()
        for scenario in SCENARIOS:
            changed_by_reps = 0
            if gap_s and scenario != SCENARIOS[0]:
                sb.advance_clock(gap_s)
            if scenario == "incremental_1pct":
                changed_by_reps = len(sb.mutate(max(1, deals // 100), seed + 1))
                snap = sb.snapshot()
            before = sb.stats()
            rep = run_sync_here(config)
            seen = endpoint_delta(before, sb.stats())
            after = sb.snapshot()
            minimum = _minimum(crm, prev, snap, after, rep)
            calls = rep["api_calls"]
            sandbox_total = sum(n for k, n in seen.items() if not any(a in k for a in _ADMIN))
            rows.append(
                {
                    "crm": crm,
                    "deals": deals,
                    "scenario": scenario,
                    "gap_s": gap_s,
                    "status": rep["status"],
                    "changed_by_reps": changed_by_reps,
                    "calls": calls["total"],
                    "reads": calls["reads"],
                    "writes": calls["writes"],
                    "retries": calls["retries"],
                    "by_endpoint": calls["by_endpoint"],
                    "sandbox_requests": sandbox_total,
                    "sandbox_by_endpoint": seen,
                    "counts_agree": sandbox_total == calls["total"],
                    "minimum": minimum["total"],
                    "minimum_reads": minimum["reads"],
                    "minimum_writes": minimum["writes"],
                    "ratio": round(calls["total"] / minimum["total"], 3),
                    "tasks": rep["tasks"],
                    "deals_pulled": rep["deals"]["pulled"],
                    "wall_s": rep["wall_s"],
                }
            )
            prev, snap = snap, after
    return rows
