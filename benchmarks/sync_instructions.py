"""Instructions of one whole full-sync process, counted by cachegrind: deterministic.

CPU seconds of a sync on the shared 2-core machine move by ±15 % from run to run, so two trees
whose sync differs by 10 % cannot be told apart in three pairs. Instruction counts can: the
sandbox runs in its own process outside valgrind with its world dated from a fixed instant, the
sync child runs under cachegrind with time frozen at that instant and ``PYTHONHASHSEED=0``, and the count covers everything the process does
(imports, playbook load, pull, mirror, decide, plan, push). Run from the repository root::

    .venv/bin/python -m benchmarks.sync_instructions salesforce 2000     # ~1.5 min
    .venv/bin/python -m benchmarks.sync_instructions hubspot 10000       # ~7 min
    .venv/bin/python -m benchmarks.sync_instructions salesforce 10000 --idle
        # a scheduled run that finds nothing changed: a full sync and the run that reads
        # its echo go first (outside valgrind, a minute apart), then the idle run is counted

Compare two trees with the same arguments; prints one JSON object. Needs valgrind and the
dev extra (time-machine).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from typing import Any

from benchmarks._harness import sandbox_process, write_config

#: The sync child: syncs at fixed moments (12:00, then a minute apart: argv[2] is the first
#: run's minute, argv[3] how many runs), so the decisions are the same each time.
_CHILD = """
import datetime, sys, time_machine
from pathlib import Path
from benchmarks._harness import run_sync_here
start = datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.UTC)
for k in range(int(sys.argv[2]), int(sys.argv[2]) + int(sys.argv[3])):
    with time_machine.travel(start + datetime.timedelta(minutes=k), tick=False):
        out = run_sync_here(Path(sys.argv[1]), "bench")
print(out["status"], out["api_calls"]["total"])
"""

#: the instant the sandbox's world is dated from, the first run's frozen time
_NOON = "2026-12-07T12:00:00+00:00"

_CACHEGRIND = ("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null")
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def measure(crm: str, deals: int, seed: int = 7, idle: bool = False) -> dict[str, Any]:
    """Count the instructions of one full sync of a fresh ``deals``-deal sandbox (``idle``:
    of the third run, which finds nothing changed)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("benchmarks.sync_instructions needs valgrind (apt-get install valgrind)")
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "PYTHONPATH": os.getcwd(), "PYTHONHASHSEED": "0"}
    # the world dated from the sync's own frozen noon: the same data whenever it is measured
    with sandbox_process(crm, deals, seed, now=_NOON) as sb:
        config = write_config(sb, rate_per_s=10_000 if crm == "hubspot" else None)
        if idle:  # the full sync and the read of its echo, not counted
            subprocess.run(
                [sys.executable, "-c", _CHILD, str(config), "0", "2"],
                env=env,
                capture_output=True,
                check=True,
            )
        done = subprocess.run(
            [*_CACHEGRIND, sys.executable, "-c", _CHILD, str(config), "2" if idle else "0", "1"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    return {
        "crm": crm,
        "deals": deals,
        "run": "idle" if idle else "full",
        **read_counts(done.returncode, done.stdout, done.stderr, deals),
    }


def read_counts(returncode: int, stdout: str, stderr: str, deals: int) -> dict[str, Any]:
    """The sync's status and calls (its last output line) and cachegrind's instruction
    count (its ``I refs`` line); a failed or unreadable run stops the benchmark with the
    child's error output instead of a figure."""
    found = _REFS.search(stderr)
    words = stdout.split()
    if returncode != 0 or found is None or len(words) < 2:
        raise SystemExit(f"the sync under cachegrind failed (exit {returncode}):\n{stderr[-2000:]}")
    status, calls = words[-2:]
    instructions = int(found.group(1).replace(",", ""))
    return {
        "status": status,
        "api_calls": int(calls),
        "instructions": instructions,
        "instructions_per_deal": round(instructions / deals),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("crm", choices=["salesforce", "hubspot"])
    parser.add_argument("deals", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--idle", action="store_true", help="count a run that finds no change")
    args = parser.parse_args()
    print(json.dumps(measure(args.crm, args.deals, args.seed, args.idle)))


if __name__ == "__main__":
    main()
