"""Decide deals and render their write-back in a worker process: a run's pure CPU half.

A sync run decides every open deal.  ``decide`` and ``render_writeback`` are pure and per
deal, and at 10k deals they are most of the run's CPU, while the run's own process also
reads the mirror, plans, keeps the write-ahead ledger and pushes.  Run as ``python -m
nextadvance.mappings._deciding``, this module answers chunks of deals sent over stdin with
their outcomes on stdout (pickles, in order), so a second core decides while the first does
the rest.  It imports only the engine and the mappings (a light process) and holds nothing
but the playbook, the mapping and the engine's own capped memos; it never sees the state
store, so the run's write-ahead order is untouched.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from nextadvance.core import Playbook, batch_gc, decide
from nextadvance.core.errors import NextAdvanceError
from nextadvance.core.models import Deal
from nextadvance.mappings._model import Mapping
from nextadvance.mappings._writeback import WritebackPlan, render_writeback

__all__ = ["Outcome", "Setup", "decide_one", "serve"]


@dataclass(frozen=True)
class Setup:
    """What every deal of a run is decided with (sent once, first)."""

    playbook: Playbook
    mapping: Mapping
    now: datetime
    stage_titles: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    """One deal decided: its desired CRM state and whether it is parked, or why it failed.

    ``error`` is ``"TypeName: message"``; ``trace`` is the traceback of an unexpected
    error (not a :class:`NextAdvanceError`), for the run's log.
    """

    plan: WritebackPlan | None
    parked: bool = False
    error: str | None = None
    trace: str | None = None


def decide_one(
    deal: Deal,
    playbook: Playbook,
    mapping: Mapping,
    now: datetime,
    stage_titles: MappingABC[str, str] | None,
) -> Outcome:
    """Decide ``deal`` and render its write-back; an error is returned, not raised (one bad
    deal must not stop the others)."""
    try:
        decision = decide(deal, playbook, now)
        plan = render_writeback(mapping, deal, decision, now, stage_titles)
    except Exception as exc:
        trace = None if isinstance(exc, NextAdvanceError) else traceback.format_exc()
        return Outcome(None, error=f"{type(exc).__name__}: {exc}", trace=trace)
    return Outcome(plan, bool(decision.momentum.parked))


def serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """Answer chunks until ``inp`` ends: a :class:`Setup`, then lists of deals, each
    answered by a list of :class:`Outcome` in the same order."""
    setup: Setup = pickle.load(inp)
    with batch_gc():  # decide creates no cycles (core/_gctune.py)
        while True:
            try:
                deals: Sequence[Deal] = pickle.load(inp)
            except EOFError:
                break
            outcomes = [
                decide_one(d, setup.playbook, setup.mapping, setup.now, setup.stage_titles)
                for d in deals
            ]
            pickle.dump(outcomes, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()


def _main() -> None:
    # the answers go to the original stdout; anything printed goes to stderr instead
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, out)
    out.close()


if __name__ == "__main__":
    # through the module's own name, so the outcomes pickle as ``nextadvance.mappings.
    # _deciding.Outcome`` and not as ``__main__.Outcome``
    from nextadvance.mappings import _deciding

    _deciding._main()
