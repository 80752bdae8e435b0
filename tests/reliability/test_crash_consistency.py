"""SIGKILL at seeded random points in pull, plan and push, then a normal run: same CRM as a
clean run (no duplicate task, every update once) and a consistent state store.

``nextadvance sync`` runs as a child process against an in-process sandbox slowed by
``slow_ms``; the kill is timed by the sandbox's request counters (a read or write count
drawn from a seeded stream) or by a seeded random delay.  Where the kill landed is read
back from the counters, so every trial reports its phase.
"""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

DEALS = 30
BATCH = 4
SLOW_MS = 25


def _counts(world: Any) -> tuple[int, int]:
    """(reads, writes) the sandbox has answered for the world's CRM so far."""
    total = world.sb.stats()["apps"][world.crm]["total_requests"]
    writes = world.write_requests()
    return total - writes, writes


def _clean_counts(rworld: Any, rel: Any, crm: str) -> tuple[dict[str, Any], int, int, float]:
    """A clean run's comparable CRM state, its reads and writes, and its wall time (slowed,
    as a child process like the trials)."""
    w = rworld(crm, deals=DEALS, batch_size=BATCH, faults={"slow_ms": SLOW_MS})
    started = time.monotonic()
    proc = rel.spawn_sync(w)  # timed as the trials run it: process start included
    _, err = proc.communicate(timeout=120)
    took = time.monotonic() - started
    assert proc.returncode == 0, err[-2000:]
    reads, writes = _counts(w)
    state = rel.comparable(w.state())
    w.sb.stop()
    return state, reads, writes, took


def _kill_when(world: Any, rel: Any, ready: Any, timeout: float = 90) -> str:
    """Start a sync, SIGKILL it once ``ready()`` holds, return the phase it died in."""
    proc = rel.spawn_sync(world)
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            if proc.poll() is not None:
                return "finished"
            assert time.monotonic() < deadline, "kill point not reached in time"
            time.sleep(0.004)
        proc.kill()
    finally:
        proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    reads, writes = _counts(world)
    if writes:
        return "push"
    return "plan" if reads >= world._clean_reads else "pull"


def _recover_and_check(world: Any, rel: Any, expected: dict[str, Any]) -> dict[str, int]:
    """Run normally after the kill; assert the promise; return the trial's outcome counts."""
    world.sb.set_faults(slow_ms=0)
    code, report = world.sync()
    assert code == 0, report
    state = world.state()
    got = rel.comparable(state)
    dups = rel.duplicates(state)
    lost = len(rel.differences(got, expected))
    assert dups == 0, f"{dups} duplicate tasks"
    assert got == expected, f"deals differing from a clean run: {rel.differences(got, expected)}"
    rel.integrity_check(rel.store_path(world))
    code, again = world.sync()
    assert code == 0 and again["api_calls"]["writes"] == 0, again
    return {"duplicates": dups, "lost_updates": lost, "reconciled": report["reconciled"]}


def _trial(rworld: Any, rel: Any, crm: str, ref: Any, rng: random.Random, how: str) -> str:
    expected, reads, writes, took = ref
    world = rworld(crm, deals=DEALS, batch_size=BATCH, faults={"slow_ms": SLOW_MS})
    world._clean_reads = reads
    if how == "pull":
        # in the first half of the reads: a kill aimed near the last read can land after
        # it on a loaded machine (each read is only SLOW_MS), and then it tests the plan
        k = rng.randint(1, max(reads // 2, 1))
        phase = _kill_when(world, rel, lambda: _counts(world)[0] >= k)
    elif how == "plan":
        phase = _kill_when(world, rel, lambda: _counts(world)[0] >= reads)
    elif how == "push":
        k = rng.randint(0, max(writes - 1, 0))
        db = rel.store_path(world)
        phase = _kill_when(
            world, rel, lambda: _counts(world)[1] >= k and rel.pending_writes(db) > 0
        )
    else:  # a random moment of the whole run (process start included)
        delay = rng.uniform(0.0, took)
        start = time.monotonic()
        phase = _kill_when(world, rel, lambda: time.monotonic() - start >= delay)
    outcome = _recover_and_check(world, rel, expected)
    world.sb.stop()
    print(f"crash trial crm={crm} aimed={how} landed={phase} outcome={outcome}")
    return phase


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_sigkill_in_pull_plan_and_push_then_rerun_equals_clean_run(
    rworld: Any, rel: Any, crm: str
) -> None:
    """A kill aimed at each phase (seeded kill points) is followed by a run that leaves the CRM
    exactly as a clean run and the state store consistent."""
    rng = random.Random(f"crash:{crm}")
    ref = _clean_counts(rworld, rel, crm)
    landed = [_trial(rworld, rel, crm, ref, rng, how) for how in ("pull", "plan", "push")]
    assert "pull" in landed and "push" in landed, landed


@pytest.mark.slow
@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_sigkill_at_random_moments_then_rerun_equals_clean_run(
    rworld: Any, rel: Any, crm: str
) -> None:
    """Kills after seeded random delays over a whole run (and more push kills) never leave a
    duplicate, a lost update or an inconsistent store after the next run."""
    rng = random.Random(f"crash-random:{crm}")
    ref = _clean_counts(rworld, rel, crm)
    landed = [_trial(rworld, rel, crm, ref, rng, "random") for _ in range(3)]
    landed += [_trial(rworld, rel, crm, ref, rng, "push")]
    assert len(landed) == 4
