"""Garbage-collector settings for a batch of ``decide`` calls, applied by the caller.

``decide`` creates no reference cycles: its output is a tree of frozen models, and its
memos are plain dicts.  Yet CPython's cycle collector still runs every 700 container
allocations and, every tenth and hundredth time, walks the older objects too: the loaded
playbook and lexicon (tens of thousands of objects), the memos and whatever the caller
holds.  On the engine benchmark that was about a quarter of the CPU time, collecting
nothing.  The engine itself stays pure and never touches the collector; the callers that
decide many deals in one go (the sync run, ``nextadvance decide``, the benchmarks) wrap
that loop in :func:`batch_gc`, so what is measured is what runs in production.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["BATCH_GEN0", "batch_gc"]

#: youngest-generation threshold while deciding (CPython's default is 700): a deal
#: allocates a few hundred containers, so the collector runs every few dozen deals
#: instead of every two or three
BATCH_GEN0 = 10_000

_depth = 0


@contextmanager
def batch_gc(gen0: int = BATCH_GEN0) -> Iterator[None]:
    """Freeze what exists now (playbook, lexicon, modules: never garbage) out of the
    collector's sight and raise the youngest generation's threshold; both are undone on
    exit, so a long-lived process (the scheduler) keeps its usual collector between runs.
    Nested uses are no-ops; usable as a decorator."""
    global _depth
    if _depth:
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
        return
    old = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0  # never thaw what someone else froze
    if freeze:
        gc.freeze()
        gc.callbacks.append(_settle)
    gc.set_threshold(gen0, old[1], old[2])
    _depth = 1
    try:
        yield
    finally:
        _depth = 0
        gc.set_threshold(*old)
        if freeze:
            gc.callbacks.remove(_settle)
            gc.unfreeze()


def _settle(phase: str, info: dict[str, int]) -> None:
    """After a collection, freeze its survivors: what outlives one collection in a batch
    (the chunk of deals being decided, memo entries) would otherwise be walked again by
    every later one, and the engine makes no cycles for those walks to find.  Objects
    frozen still die by reference count as usual; only a reference cycle among them
    (from the caller's own code) waits for the end of the batch to be collected."""
    if phase == "stop":
        gc.freeze()
