"""The sandbox's clock: the wall clock plus a forward offset, so tests can make time pass.

Record stamps (Salesforce ``SystemModstamp``, HubSpot ``hs_lastmodifieddate``) and the HTTP
``Date`` header of every answer read it, so "30 minutes pass between two scheduled syncs"
costs no waiting: ``POST /_sandbox/clock {"advance_s": 1800}``.  Like a real CRM's clock it
only moves forward while serving (stamps never go back); it is process-wide (one process
serves one org in the benchmarks) and :meth:`Sandbox.stop` sets it back for the next one.
"""

from __future__ import annotations

import threading
import time

__all__ = ["advance", "now", "offset", "reset"]

_lock = threading.Lock()
_offset_s = 0.0


def now() -> float:
    """The sandbox CRM's time, epoch seconds."""
    return time.time() + _offset_s


def offset() -> float:
    """Seconds the sandbox's clock is ahead of the wall clock."""
    return _offset_s


def advance(seconds: float) -> float:
    """Move the clock ``seconds`` forward (never back); returns the new offset."""
    global _offset_s
    if not seconds >= 0:  # also refuses NaN
        raise ValueError("the sandbox clock only moves forward: advance_s must be >= 0")
    with _lock:
        _offset_s += float(seconds)
        return _offset_s


def reset() -> None:
    """Back to the wall clock (a stopped sandbox; the next one starts fresh)."""
    global _offset_s
    with _lock:
        _offset_s = 0.0
