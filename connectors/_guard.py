"""Reads that meet data the CRM's API does not promise stop with a clear error, not a trace.

A record with a null id, an unparseable modified stamp or a field of the wrong type breaks
the translation deep inside a reader (ValueError, TypeError, KeyError ...).  Wrapping the
pull turns that into :class:`~nextadvance.core.errors.FatalRemote` naming the problem, so the
run stops in the pull - before any write - with the cursor of the batches already committed.
"""

from __future__ import annotations

from collections.abc import Iterator

from nextadvance.connectors._base import PullBatch
from nextadvance.core.errors import FatalRemote

__all__ = ["guarded_pull"]

_MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def guarded_pull(crm: str, batches: Iterator[PullBatch]) -> Iterator[PullBatch]:
    """``batches`` unchanged, or FatalRemote when the CRM's data cannot be translated."""
    try:
        yield from batches
    except _MALFORMED as exc:
        detail = f"{type(exc).__name__}: {exc}"[:300]
        raise FatalRemote(
            f"{crm} sent a record the API does not promise ({detail}); "
            "stopped before writing, the cursor of the batches already read is kept",
            endpoint="pull",
        ) from exc
