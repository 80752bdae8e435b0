"""Read the next pulled batch while the current one is written to the mirror.

A pull alternates between waiting for the CRM (an HTTP page) and our own work on the page
(translating it, writing the mirror, committing).  Fetching page n+1 in a thread while page
n is applied overlaps the two, so the pull takes about the longer of them instead of their
sum.  At most one batch is read ahead (memory stays one batch), the batches arrive in order,
and an error of the reader is raised where the next batch was asked for, as before.  The
reader thread is always finished before :func:`read_ahead` returns, so the connector is
never used by two threads at once (the push that follows has it to itself).

``before_wait`` is called when the caller has waited :data:`WAIT_GRACE_S` for the next item
and it has not arrived: the moment to do work that should not wait on the CRM while holding
something (the pull commits its open transaction there, so SQLite's write lock is never held
across a slow answer, a back-off or a retry).  An item that arrives sooner is handed over at
once, without the call.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import TypeVar

__all__ = ["read_ahead"]

T = TypeVar("T")

_DONE = object()

#: how long the caller waits for the next item before ``before_wait`` is called
WAIT_GRACE_S = 0.1


def read_ahead(
    items: Iterator[T], before_wait: Callable[[], None] | None = None
) -> Generator[T, None, None]:
    """``items`` in order, the next one fetched by a thread while the caller holds this one.

    When the caller stops early (a stop request, an error), the one item already on its way
    is dropped: a read made for nothing, never a write.
    """
    slot: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=1)
    cancel = threading.Event()

    def produce() -> None:
        try:
            while not cancel.is_set():
                try:
                    item: object = next(items)
                except StopIteration:
                    break
                if not _offer(slot, (item, None), cancel):
                    return
            _offer(slot, (_DONE, None), cancel)
        except BaseException as exc:  # handed to the caller, raised where it asks next
            _offer(slot, (_DONE, exc), cancel)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="pull-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, error = _next(slot, before_wait)
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item  # type: ignore[misc]
    finally:
        cancel.set()
        worker.join()


def _offer(
    slot: queue.Queue[tuple[object, BaseException | None]],
    entry: tuple[object, BaseException | None],
    cancel: threading.Event,
) -> bool:
    """Put ``entry`` once there is room; False if the caller went away meanwhile."""
    while not cancel.is_set():
        try:
            slot.put(entry, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _next(
    slot: queue.Queue[tuple[object, BaseException | None]],
    before_wait: Callable[[], None] | None,
) -> tuple[object, BaseException | None]:
    """The next entry; ``before_wait`` first if it takes longer than :data:`WAIT_GRACE_S`."""
    if before_wait is None:
        return slot.get()
    try:
        return slot.get(timeout=WAIT_GRACE_S)
    except queue.Empty:
        before_wait()
        return slot.get()
