"""Which texts the engine's org-wide memos keep: short ones only (issue #20 goal 1).

The memos are bounded in entries, so their bytes follow the texts they key on.  Subjects,
templated bodies, next steps and clauses are a line and recur across an org; a written
call note runs to several sentences and hardly ever recurs (a 10k-deal Salesforce sandbox
sync: no note over 120 characters was read twice, clause splits and word sets of long
texts hit only within the deal that holds them).  Keeping long texts filled the memos with
a few kilobytes each of entries never asked again, and clearing and refilling them grew the
heap with the org: a long text is memoised only in a small memo that serves the repeats
within one deal.

Every memo of the core is bounded the same way, by :func:`remember`: a full memo is
cleared, then stores (no LRU bookkeeping on the hot path; a cleared memo refills within a
few deals).
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["LONG_TEXT", "RECENT_LIMIT", "remember"]

_K = TypeVar("_K")
_V = TypeVar("_V")

#: characters above which a text is a written note, not boilerplate: org-wide memos skip it
LONG_TEXT = 160
#: bound of the small memos of long texts (one deal's activities, with room to spare)
RECENT_LIMIT = 64


def remember(memo: dict[_K, _V], key: _K, value: _V, limit: int) -> _V:
    """Store ``value`` under ``key`` in ``memo``, cleared first when it holds ``limit``
    entries (its bound); returns ``value``."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
