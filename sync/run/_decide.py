"""Where a run's deals are decided: here, or (opt-in) in a worker process on a second core.

Deciding is pure CPU and per deal (``mappings._deciding``).  Chunks of deals are handed out
in order; with a worker, most go to it and every ``LOCAL_EVERY``-th is decided here while
the worker is busy, so both cores work and this process still plans, records the
write-ahead ledger and pushes every chunk itself, in the same order as without one.  Only
``(deal) -> (desired values, parked)`` moves; the state store never leaves this process.

Off unless ``NEXTADVANCE_DECIDE_WORKER=1``: the worker holds its own copy of the playbook
and of the engine's memos (~170 MB peak at 10k Salesforce deals, beside the run's ~180 MB),
which breaks the run's memory budget (< 300 MB at 100k deals; benchmarks/README.md §3).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import IO, Any

from nextadvance.core import Playbook
from nextadvance.core.models import Deal
from nextadvance.mappings import Mapping
from nextadvance.mappings._deciding import Outcome, Setup, decide_one

__all__ = ["Deciding", "Outcome"]

log = logging.getLogger("nextadvance.sync")

#: with a worker, every third chunk is decided here: this process's own share of a chunk
#: (reading the mirror, planning, the ledger, the push) is about half of deciding it
LOCAL_EVERY = 3

_STOP = object()


def _wanted() -> bool:
    return os.environ.get("NEXTADVANCE_DECIDE_WORKER", "").strip() == "1"


class _Worker:
    """A ``python -m nextadvance.mappings._deciding`` process; chunks in, outcomes out.

    A thread writes the chunks, so this process never blocks on a full pipe while the
    worker blocks on its answers (the two would wait for each other).
    """

    def __init__(self, setup: Setup) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nextadvance.mappings._deciding"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._todo: queue.Queue[object] = queue.Queue()
        self._writer = threading.Thread(target=self._write, name="decide-send", daemon=True)
        self._writer.start()
        self._todo.put(setup)

    def _write(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            while (item := self._todo.get()) is not _STOP:
                pickle.dump(item, stdin, protocol=pickle.HIGHEST_PROTOCOL)
                stdin.flush()
        except (BrokenPipeError, OSError):  # the worker died: receive() says so
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def send(self, deals: Sequence[Deal]) -> None:
        self._todo.put(list(deals))

    def receive(self) -> list[Outcome]:
        out: IO[bytes] | None = self.proc.stdout
        assert out is not None
        try:
            return list(pickle.load(out))
        except EOFError:
            code = self.proc.wait()
            raise RuntimeError(f"the decide worker ended early (exit code {code})") from None

    def close(self) -> None:
        self._todo.put(_STOP)
        self._writer.join(timeout=30)
        # answers never asked for (a run stopped early, an error) are dropped; EOF, or a
        # worker that died mid-answer, ends the loop
        with contextlib.suppress(Exception):
            while self.proc.stdout is not None:
                pickle.load(self.proc.stdout)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


class Deciding:
    """Hands out chunks in order; :meth:`submit` returns what yields the outcomes later."""

    def __init__(
        self,
        playbook: Playbook,
        mapping: Mapping,
        now: datetime,
        stage_titles: dict[str, str],
    ) -> None:
        self.setup = Setup(playbook, mapping, now, stage_titles)
        self._worker: _Worker | None = None
        self._count = 0
        if _wanted():
            try:
                self._worker = _Worker(self.setup)
            except OSError as exc:  # deciding here is always possible
                log.warning("no decide worker (%s): deciding in this process", exc)

    def submit(self, deals: Sequence[Deal]) -> Callable[[], list[Outcome]]:
        """Start deciding ``deals``; call the result (in submission order) for the outcomes."""
        self._count += 1
        worker = self._worker
        if worker is None or (LOCAL_EVERY and self._count % LOCAL_EVERY == 0):
            chosen = list(deals)
            return lambda: [self._here(d) for d in chosen]
        worker.send(deals)
        return worker.receive

    def _here(self, deal: Deal) -> Outcome:
        s = self.setup
        return decide_one(deal, s.playbook, s.mapping, s.now, s.stage_titles)

    def close(self) -> None:
        """End the worker (it finishes what it holds; nothing is asked of it after)."""
        if self._worker is not None:
            self._worker.close()

    def __enter__(self) -> Deciding:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
