"""Keyset cursors: ties at page edges, late-visible records, re-modified records, round trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from nextadvance.connectors._cursor import StreamCursor, format_ts, parse_ts

T = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LOOKBACK = 300.0


def _emit(cur: StreamCursor, page: list[tuple[str, datetime]]) -> list[str]:
    """What a connector emits for one page re-read from ``cur.since(LOOKBACK)``."""
    out = []
    for rid, stamp in page:
        if cur.is_new(rid, stamp):
            cur.advance(rid, stamp)
            out.append(rid)
    cur.prune(LOOKBACK)
    return out


def _store(records: dict[str, datetime], cur: StreamCursor) -> list[tuple[str, datetime]]:
    """The CRM's answer to ``stamp >= since ORDER BY stamp, id``."""
    since = cur.since(LOOKBACK)
    rows = [(rid, s) for rid, s in records.items() if since is None or s >= since]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def test_records_sharing_a_timestamp_across_a_page_edge_are_read_once():
    """A page ending inside a run of equal stamps loses nothing and repeats nothing on resume."""
    records = {f"id{i:02d}": T for i in range(10)}
    cur = StreamCursor()
    first = _emit(cur, _store(records, cur)[:4])  # page of 4, then "crash"
    resumed = StreamCursor.from_json(json.loads(json.dumps(cur.to_json())))
    rest = _emit(resumed, _store(records, resumed))
    assert sorted(first + rest) == sorted(records)
    assert not set(first) & set(rest)


def test_late_visible_record_below_the_high_water_mark_is_caught():
    """A record that appears later with an older stamp (inside the lookback) is still emitted."""
    records = {"a": T, "b": T + timedelta(seconds=5)}
    cur = StreamCursor()
    assert _emit(cur, _store(records, cur)) == ["a", "b"]
    records["late"] = T + timedelta(seconds=1)
    assert _emit(cur, _store(records, cur)) == ["late"]


def test_a_record_modified_again_is_news_again():
    """The same id with a newer stamp is emitted again; an unchanged one is not."""
    records = {"a": T, "b": T}
    cur = StreamCursor()
    _emit(cur, _store(records, cur))
    records["a"] = T + timedelta(seconds=30)
    assert _emit(cur, _store(records, cur)) == ["a"]
    assert _emit(cur, _store(records, cur)) == []


def test_seen_pairs_outside_the_window_are_forgotten():
    """The cursor keeps only pairs inside the lookback window, so it stays small."""
    cur = StreamCursor()
    _emit(cur, [("old", T), ("new", T + timedelta(seconds=LOOKBACK * 2))])
    assert set(cur.seen) == {"new"}


def test_timestamps_parse_from_every_crm_format():
    """Salesforce +0000, ISO Z and epoch milliseconds all give the same aware instant."""
    assert parse_ts("2026-11-23T10:00:00.000+0000") == T
    assert parse_ts("2026-11-23T10:00:00Z") == T
    assert parse_ts(str(int(T.timestamp() * 1000))) == T
    assert format_ts(T) == "2026-11-23T10:00:00.000Z"


def test_format_ts_is_the_strftime_form_for_any_offset_and_year() -> None:
    """ISO UTC with milliseconds (truncated) and ``Z``; other offsets converted first."""
    cases = [
        datetime(2026, 3, 1, 2, 3, 4, 999_999, tzinfo=UTC),
        datetime(2026, 3, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2026, 12, 31, 23, 59, 59, 1_000, tzinfo=timezone(timedelta(hours=-8))),
        datetime(999, 1, 2, 3, 4, 5, 6_000, tzinfo=UTC),
    ]
    for value in cases:
        utc = value.astimezone(UTC)
        want = utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
        assert format_ts(value) == want
