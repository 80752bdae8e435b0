"""The look-back anchored at the previous read as the CRM's clock saw it (``_cursor``,
``_crmclock``): idle runs skip an old burst, late commits are still caught, resumes lose
nothing, old cursors keep working, and ``Date`` never dates a read too late."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from nextadvance.connectors._crmclock import CrmClock, crm_time
from nextadvance.connectors._cursor import StreamCursor, format_ts

T = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LOOKBACK = 300.0
S = timedelta(seconds=1)


class Org:
    """Records with a stamp and the moment they became visible (commit / index time)."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[datetime, datetime]] = {}

    def put(self, rid: str, stamp: datetime, visible: datetime | None = None) -> None:
        self.rows[rid] = (stamp, visible or stamp)

    def answer(self, since: datetime | None, at: datetime) -> list[tuple[str, datetime]]:
        """``stamp >= since ORDER BY stamp, id`` as a query running at ``at`` sees it."""
        rows = [
            (rid, stamp)
            for rid, (stamp, visible) in self.rows.items()
            if visible <= at and (since is None or stamp >= since)
        ]
        return sorted(rows, key=lambda r: (r[1], r[0]))


def _read(org: Org, cur: StreamCursor, at: datetime) -> tuple[list[str], int]:
    """One whole read at CRM time ``at``: the ids emitted and how many rows were returned."""
    rows = org.answer(cur.since(LOOKBACK), at)
    cur.begin(at)
    out = []
    for rid, stamp in rows:
        if cur.is_new(rid, stamp):
            out.append(rid)
        cur.advance(rid, stamp)
    cur.prune(LOOKBACK)
    cur.finish()
    return out, len(rows)


def test_idle_run_does_not_reread_a_burst_older_than_the_window():
    """The high-water mark stays at a burst of writes; the next read still starts at the
    previous read time - lookback, so an idle run reads nothing (it read 1,000 rows before)."""
    org = Org()
    for i in range(1000):
        org.put(f"w{i:04d}", T + i * timedelta(milliseconds=5))
    cur = StreamCursor()
    emitted, _ = _read(org, cur, T + timedelta(minutes=30))
    assert len(emitted) == 1000
    assert cur.ts is not None and cur.ts < T + 10 * S
    assert _read(org, cur, T + timedelta(minutes=60)) == ([], 0)
    # the old anchor (high-water - lookback) would have returned the whole burst again
    legacy = StreamCursor(ts=cur.ts, id=cur.id)
    assert len(org.answer(legacy.since(LOOKBACK), T + timedelta(minutes=60))) == 1000


def test_a_late_commit_inside_the_window_is_caught():
    """Stamped before the previous read but visible only after it: the next read gets it."""
    org = Org()
    org.put("a", T)
    cur = StreamCursor()
    r1 = T + timedelta(minutes=10)
    org.put("late", r1 - 100 * S, visible=r1 + 5 * S)  # a transaction open across the read
    assert _read(org, cur, r1)[0] == ["a"]
    assert _read(org, cur, r1 + timedelta(minutes=30))[0] == ["late"]


def test_a_record_modified_during_the_read_does_not_hide_a_late_one():
    """Why not ``max(high-water, read time) - lookback``: a change made while the read runs
    moves the mark past the read's start, and a late record stamped between the two windows'
    starts would fall through."""
    org = Org()
    r1 = T + timedelta(minutes=10)
    org.put("a", r1 - 100 * S)
    org.put("during", r1 + 200 * S)  # committed while the read was still paging
    org.put("late", r1 - 250 * S, visible=r1 + 30 * S)
    cur = StreamCursor()
    first = org.answer(cur.since(LOOKBACK), r1)  # page 1 runs at r1: just "a"
    a_stamp = org.rows["a"][0]
    second = [r for r in org.answer(a_stamp, r1 + 200 * S) if r[1] > a_stamp]  # keyset page 2
    assert [r[0] for r in first + second] == ["a", "during"]
    cur.begin(r1)
    for rid, stamp in first + second:
        cur.advance(rid, stamp)
    cur.finish()
    assert "late" not in cur.seen
    hw_floor = max(cur.ts, r1) - timedelta(seconds=LOOKBACK)  # type: ignore[type-var]
    assert org.rows["late"][0] < hw_floor  # that anchor would skip it
    assert _read(org, cur, r1 + timedelta(minutes=30))[0] == ["late"]


def test_a_read_interrupted_midway_resumes_without_losing_a_record():
    """A cursor committed between two pages (reading set, read_at still the previous read)
    resumes low enough for both the unread rest and late records below the mark."""
    org = Org()
    for i in range(10):
        org.put(f"r{i}", T + i * 10 * S)
    cur = StreamCursor()
    _read(org, cur, T + timedelta(minutes=30))
    r2 = T + timedelta(minutes=60)
    for i in range(10):
        org.put(f"n{i}", r2 - 100 * S + i * S)
    org.put("late", r2 - 150 * S, visible=r2 + 10 * S)
    rows = org.answer(cur.since(LOOKBACK), r2)
    cur.begin(r2)
    for rid, stamp in rows[:4]:  # first page, then a crash
        cur.advance(rid, stamp)
    cur.prune(LOOKBACK)
    resumed = StreamCursor.from_json(json.loads(json.dumps(cur.to_json())))
    assert resumed.reading == r2 and resumed.read_at == T + timedelta(minutes=30)
    emitted, _ = _read(org, resumed, r2 + timedelta(minutes=1))
    assert sorted(emitted) == sorted(["late", *(f"n{i}" for i in range(4, 10))])


def test_an_old_cursor_without_read_times_works_as_before_and_then_moves_on():
    """JSON from before ``read_at`` existed: the window starts at high-water - lookback; the
    read that follows records its time and the next window starts there."""
    old = {"ts": "2026-11-23T10:00:00.000Z", "id": "x", "seen": [["x", "2026-11-23T10:00:00.000Z"]]}
    cur = StreamCursor.from_json(old)
    assert cur.read_at is None and cur.since(LOOKBACK) == T - timedelta(seconds=LOOKBACK)
    assert cur.to_json() == old  # no new keys until a read sets them
    org = Org()
    org.put("x", T)
    _read(org, cur, T + timedelta(hours=1))
    assert cur.since(LOOKBACK) == T + timedelta(hours=1) - timedelta(seconds=LOOKBACK)
    back = StreamCursor.from_json(json.loads(json.dumps(cur.to_json())))
    assert back.read_at == T + timedelta(hours=1) and back.reading is None
    assert StreamCursor.from_json({**old, "read_at": "not a time"}).read_at is None


def test_a_read_without_a_crm_time_falls_back_to_the_high_water_mark():
    """No ``Date`` on the first answer: never keep a stale read time that would stop moving."""
    cur = StreamCursor(ts=T, read_at=T - timedelta(hours=5))
    cur.begin(None)
    cur.finish()
    assert cur.read_at is None and cur.since(LOOKBACK) == T - timedelta(seconds=LOOKBACK)


def test_crm_time_is_the_date_header_minus_the_round_trip():
    """``Date`` (second resolution) less the round trip; absent or junk gives None."""
    assert crm_time({"Date": "Mon, 23 Nov 2026 10:00:00 GMT"}, 0.4) == T - timedelta(seconds=0.4)
    assert crm_time({"date": "Mon, 23 Nov 2026 10:00:00 GMT"}, 0.0) == T
    assert crm_time({}, 0.1) is None
    assert crm_time({"Date": "yesterday-ish"}, 0.1) is None
    clock = CrmClock()
    assert clock.last() is None
    clock.note({"Date": "Mon, 23 Nov 2026 10:00:00 GMT"}, 1.0)
    assert clock.last() == T - S


def test_crm_time_never_dates_a_query_later_than_it_ran():
    """Whatever the sub-second phase, ``Date`` truncation and the query's own duration, the
    bound is at or before the moment the query ran (so the window can only be wider)."""
    rng = random.Random(5)
    for _ in range(2000):
        arrived = T + timedelta(seconds=rng.uniform(0, 5))
        ran = arrived + timedelta(seconds=rng.uniform(0, 2))
        answered = ran + timedelta(seconds=rng.uniform(0, 3))
        date = format_datetime(answered.replace(microsecond=0), usegmt=True)
        trip = (answered - arrived).total_seconds() + rng.uniform(0, 0.2)  # plus the network
        bound = crm_time({"Date": date}, trip)
        assert bound is not None and bound <= ran, (format_ts(ran), format_ts(bound))
