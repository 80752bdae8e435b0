"""Engine throughput: ``decide`` on N generated deals (~10 activities each), one core.

Run from the repository root::

    .venv/bin/python -m benchmarks.engine            # 100,000 deals
    .venv/bin/python -m benchmarks.engine --deals 5000
    .venv/bin/python -m benchmarks.engine --deals 20000 --unique-texts   # no text repeats
    .venv/bin/python -m benchmarks.engine --deals 3000 --sandbox salesforce
        # the open deals of a 3,000-deal sandbox, read through a real full sync (once,
        # then cached: benchmarks/_sandbox_deals.py); the notes a sync really meets

Deals are generated in chunks outside the timed section; only ``decide`` is timed.  Prints
one JSON object: deals, seconds (wall), deals_per_s, cpu_seconds, deals_per_cpu_s (the
one-core figure, robust on a shared machine) and peak_rss_mb.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from benchmarks._gen import deals
from benchmarks._sandbox_deals import sandbox_deals
from nextadvance.core import batch_gc, decide
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook

CHUNK = 2_000


def run(
    n: int, seed: int = 7, unique_texts: bool = False, sandbox: str | None = None
) -> dict[str, float | int]:
    """Decide ``n`` generated deals (or the open ones of an ``n``-deal ``sandbox``); return
    the measured figures."""
    playbook = load_playbook()
    gen: Iterator[Deal]
    if sandbox is not None:
        found, now = sandbox_deals(sandbox, n, seed)
        gen = iter(found)
    else:
        now = datetime(2026, 11, 23, tzinfo=UTC)
        gen = deals(n, seed=seed, now=now, unique_texts=unique_texts)
    elapsed = cpu = 0.0
    done = 0
    with batch_gc():  # the collector settings of the sync run and ``nextadvance decide``
        while True:
            chunk = list(itertools.islice(gen, CHUNK))
            if not chunk:
                break
            start, start_cpu = time.perf_counter(), time.process_time()
            for deal in chunk:
                decide(deal, playbook, now)
            elapsed += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
            done += len(chunk)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "deals": done,
        "seconds": round(elapsed, 3),
        "deals_per_s": round(done / elapsed) if elapsed else 0,
        "cpu_seconds": round(cpu, 3),
        "deals_per_cpu_s": round(done / cpu) if cpu else 0,
        "peak_rss_mb": round(rss_kb / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``--deals N`` (default 100000), ``--seed``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--unique-texts",
        action="store_true",
        help="no note or next step repeats (the figure text-keyed memos cannot help)",
    )
    parser.add_argument(
        "--sandbox",
        choices=("salesforce", "hubspot"),
        help="decide the open deals of a --deals sandbox read through a full sync instead",
    )
    args = parser.parse_args(argv)
    out = run(args.deals, args.seed, args.unique_texts, args.sandbox)
    if args.sandbox:
        out = {"sandbox": args.sandbox, "sandbox_deals": args.deals, **out}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
