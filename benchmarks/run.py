"""The benchmark suite: API calls vs the minimum, naive baseline, scale, rate limit, engine.

Run from the repository root::

    .venv/bin/python -m benchmarks.run --quick     # CI: call counts at 1k deals (< 2 min)
    .venv/bin/python -m benchmarks.run             # everything; writes benchmarks/results/*.json
    .venv/bin/python -m benchmarks.run --only api_calls --sizes 1000,10000
    .venv/bin/python -m benchmarks.run --only floor --scale-sizes 10000   # full sync vs floor

``--quick`` compares each run's call count with the committed baseline
(``benchmarks/results/baseline_quick.json``; call counts are deterministic for a seed) and
exits 1 naming every scenario that got worse, or whose RunReport and sandbox counts disagree.
Times are printed, never asserted.  ``--update-baseline`` rewrites the baseline on purpose.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
BASELINE = RESULTS / "baseline_quick.json"
CRMS = ("salesforce", "hubspot")
PARTS = ("api_calls", "naive", "scale", "floor", "saturation", "engine", "sandbox")


def _api_calls(
    sizes: list[int], crms: tuple[str, ...] = CRMS, gap_s: float | None = None
) -> list[dict[str, Any]]:
    from benchmarks._api_calls import SCHEDULE_GAP_S, measure

    gap = SCHEDULE_GAP_S if gap_s is None else gap_s
    return [row for n in sizes for crm in crms for row in measure(crm, n, gap_s=gap)]


def api_calls_table(rows: list[dict[str, Any]]) -> str:
    """Markdown table of calls vs minimum."""
    out = [
        "| CRM | deals | scenario | calls (reads/writes) | sandbox saw | minimum | ratio |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['crm']} | {r['deals']:,} | {r['scenario']} | {r['calls']} "
            f"({r['reads']}/{r['writes']}) | {r['sandbox_requests']} | {r['minimum']} "
            f"({r['minimum_reads']}/{r['minimum_writes']}) | {r['ratio']:.3f} |"
        )
    return "\n".join(out)


def table(data: dict[str, Any] | list[dict[str, Any]]) -> str:
    """Any result (one row or a list of flat rows) as a markdown table; nested values as JSON."""
    rows = [data] if isinstance(data, dict) else data
    keys = list(dict.fromkeys(k for r in rows for k in r))
    cell = lambda v: json.dumps(v) if isinstance(v, dict | list) else str(v)  # noqa: E731
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    out += ["| " + " | ".join(cell(r.get(k, "")) for k in keys) + " |" for r in rows]
    return "\n".join(out)


def check_baseline(rows: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> list[str]:
    """Problems: a scenario making more calls than its baseline, or counts that disagree."""
    base = {(b["crm"], b["deals"], b["scenario"]): b for b in baseline}
    problems = []
    for r in rows:
        key = (r["crm"], r["deals"], r["scenario"])
        if not r["counts_agree"]:
            problems.append(
                f"{key}: RunReport counted {r['calls']} calls, the sandbox {r['sandbox_requests']}"
            )
        if r.get("status") != "ok":
            problems.append(f"{key}: sync status {r.get('status')}")
        b = base.get(key)
        if b is None:
            problems.append(f"{key}: no baseline (run --quick --update-baseline)")
        elif r["calls"] > b["calls"]:
            problems.append(
                f"{key}: {r['calls']} calls (ratio {r['ratio']:.3f}) > baseline {b['calls']} "
                f"(ratio {b['ratio']:.3f}); by endpoint now {r['by_endpoint']}, "
                f"baseline {b['by_endpoint']}"
            )
    return problems


def _write(name: str, data: Any) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1, default=str) + "\n")


def quick(update: bool) -> int:
    """CI mode: call counts at 1k deals against the committed baseline."""
    started = time.perf_counter()
    rows = _api_calls([1_000])
    print(api_calls_table(rows))
    print(f"(quick suite: {time.perf_counter() - started:.0f} s)")
    slim = [{k: v for k, v in r.items() if k != "sandbox_by_endpoint"} for r in rows]
    if update:
        BASELINE.parent.mkdir(exist_ok=True)
        BASELINE.write_text(json.dumps(slim, indent=1) + "\n")
        print(f"baseline written: {BASELINE}")
        return 0
    problems = check_baseline(slim, json.loads(BASELINE.read_text()))
    if problems:
        print("API call count regression (fix it, or run --quick --update-baseline on purpose):")
        for p in problems:
            print(f"  - {p}")
        return 1
    print("call counts: no regression against the baseline")
    return 0


def full(
    parts: list[str],
    sizes: list[int],
    scale_sizes: list[int],
    scale_crms: list[str],
    crms: list[str] | None = None,
    gap_s: float | None = None,
) -> int:
    """Run the chosen parts, write results/<part>.json, print the markdown tables."""
    runners: dict[str, Callable[[], Any]] = {
        "api_calls": lambda: _api_calls(sizes, tuple(crms or CRMS), gap_s),
        "naive": lambda: _lazy("benchmarks._naive", "compare")(200),
        "scale": lambda: [
            _lazy("benchmarks._scale", "measure")(crm, n) for n in scale_sizes for crm in scale_crms
        ],
        "floor": lambda: _floor(scale_sizes, scale_crms),
        "saturation": lambda: _lazy("benchmarks._saturation", "measure")(),
        "engine": lambda: _engine(20_000, 8_000),
        "sandbox": lambda: _lazy("benchmarks.sandbox", "run")(10_000),
    }
    for part in parts:
        started = time.perf_counter()
        data = runners[part]()
        # a floor run at 100k takes most of an hour: its file says which sizes it holds
        _write(f"floor_{'_'.join(map(str, scale_sizes))}" if part == "floor" else part, data)
        print(f"\n## {part} ({time.perf_counter() - started:.0f} s)\n")
        print(api_calls_table(data) if part == "api_calls" else table(data))
    return 0


def _floor(sizes: list[int], crms: list[str]) -> list[dict[str, Any]]:
    """Full sync vs the floor (same requests, minimal client); HubSpot only at 10k or less."""
    measure = _lazy("benchmarks._floor", "measure")
    rows = [measure(crm, n) for n in sizes for crm in crms if crm == "salesforce" or n <= 10_000]
    for r in rows:
        print(
            f"floor {r['crm']} {r['deals']:,} deals: full sync {r['sync_wall_s']} s, "
            f"floor {r['floor_wall_s']} s, full_sync/floor = {r['ratio']} (target <= 1.5); "
            f"peak RSS {r['sync_peak_rss_mb']} MB; {r['api_calls']} calls, same requests: "
            f"{r['same_requests'] and r['same_calls_per_endpoint']}"
        )
    sf = {r["deals"]: r["sync_peak_rss_mb"] for r in rows if r["crm"] == "salesforce"}
    source = "this run"
    earlier = RESULTS / "floor_10000.json"
    if 100_000 in sf and 10_000 not in sf and earlier.exists():
        # 100k runs alone (it takes most of an hour): compare with the last 10k run's file
        for r in json.loads(earlier.read_text()):
            if r["crm"] == "salesforce" and r["deals"] == 10_000:
                sf[10_000], source = r["sync_peak_rss_mb"], f"10k from {earlier.name}"
    if 10_000 in sf and 100_000 in sf:
        ratio = sf[100_000] / sf[10_000]
        print(f"RSS(100k)/RSS(10k) = {ratio:.2f} (target <= 1.3; {source})")
    return rows


def _engine(deals: int, floor_deals: int) -> list[dict[str, Any]]:
    """``decide`` on generated deals against goal 3, beside what assembling its output alone
    costs (``benchmarks.engine_floor``): the part of the budget no faster logic can win."""
    from benchmarks.engine import run as engine_run
    from benchmarks.engine_floor import GOAL_PER_CPU_S as goal
    from benchmarks.engine_floor import run as floor_run

    speed = engine_run(deals)
    floor = floor_run(floor_deals, warm=floor_deals // 4)
    print(
        f"engine: {speed['deals_per_cpu_s']:,} deals/CPU-s = "
        f"{speed['deals_per_cpu_s'] / goal:.2f} x the {goal:,} target; assembling one "
        f"decision's output alone takes {floor['assembly_us']} us of its {floor['budget_us']} us"
        " budget (benchmarks.engine_floor)"
    )
    return [{"part": "engine", **speed}, {"part": "engine_floor", **floor}]


def _lazy(module: str, name: str) -> Callable[..., Any]:
    import importlib

    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry (see the module docstring)."""
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--quick", action="store_true", help="call counts at 1k vs the baseline")
    p.add_argument("--update-baseline", action="store_true")
    p.add_argument("--only", default=",".join(PARTS), help=f"comma list of {', '.join(PARTS)}")
    p.add_argument("--sizes", default="1000,10000", help="org sizes for api_calls")
    p.add_argument(
        "--scale-sizes", default="10000", help="org sizes for scale and floor (RSS, deals/s)"
    )
    p.add_argument("--scale-crms", default="salesforce,hubspot", help="CRMs for scale and floor")
    p.add_argument("--crms", default="salesforce,hubspot", help="CRMs for api_calls")
    p.add_argument(
        "--gap-s",
        type=float,
        default=None,
        help="CRM seconds between api_calls runs (default 1800, a */30 schedule; 0 = back to back)",
    )
    args = p.parse_args(argv)
    if args.quick:
        return quick(args.update_baseline)
    parts = [x for x in args.only.split(",") if x]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        p.error(f"unknown part(s) {', '.join(unknown)}; known: {', '.join(PARTS)}")
    sizes = [int(x) for x in args.sizes.split(",")]
    scale = [int(x) for x in args.scale_sizes.split(",")]
    crms = args.crms.split(",")
    return full(parts, sizes, scale, args.scale_crms.split(","), crms, args.gap_s)


if __name__ == "__main__":
    sys.exit(main())
