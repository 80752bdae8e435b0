"""The pull's read-ahead: same items in the same order, errors where they were, no leaks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import closing

import pytest

from nextadvance.sync.run._readahead import read_ahead


def test_items_arrive_in_order() -> None:
    assert list(read_ahead(iter(range(50)))) == list(range(50))
    assert list(read_ahead(iter([]))) == []


def test_an_error_is_raised_where_the_next_item_was_asked_for() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise KeyError("bad record")

    got: list[int] = []
    with pytest.raises(KeyError, match="bad record"):
        for item in read_ahead(source()):
            got.append(item)
    assert got == [1, 2]


def test_reads_at_most_one_item_ahead_and_stops_when_the_caller_does() -> None:
    fetched: list[int] = []
    closed = threading.Event()
    gate = threading.Event()

    def source() -> Iterator[int]:
        try:
            for i in range(100):
                fetched.append(i)
                yield i
        finally:
            closed.set()

    with closing(read_ahead(source())) as items:
        first = next(items)
        assert first == 0
        # the reader may hold item 1 and be fetching item 2 at most (one queued, one in hand)
        gate.wait(0.3)
        assert len(fetched) <= 3
    # closing finished the reader thread and closed the source generator
    assert closed.is_set()
    assert len(fetched) <= 3
    assert not any(t.name == "pull-read-ahead" for t in threading.enumerate())


def test_the_source_runs_in_one_other_thread() -> None:
    threads: set[int] = set()

    def source() -> Iterator[int]:
        for i in range(5):
            threads.add(threading.get_ident())
            yield i

    assert list(read_ahead(source())) == list(range(5))
    assert len(threads) == 1 and threading.get_ident() not in threads


def test_before_wait_runs_while_the_next_item_is_still_on_its_way() -> None:
    """The pull commits in ``before_wait``: it must come before the caller blocks on a slow
    item (here the item only comes once ``before_wait`` has run), in the caller's thread."""
    waited = threading.Event()
    callers: list[int] = []

    def source() -> Iterator[int]:
        yield 1
        assert waited.wait(30), "before_wait was not called while the caller waited"
        yield 2

    def before_wait() -> None:
        callers.append(threading.get_ident())
        waited.set()

    assert list(read_ahead(source(), before_wait=before_wait)) == [1, 2]
    assert callers and set(callers) == {threading.get_ident()}
