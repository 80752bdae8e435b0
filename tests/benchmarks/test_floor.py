"""The floor benchmark: a replay of a sync's transcript makes the same calls as the sync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks import _floor as floor
from nextadvance.sandbox._transcript import Transcript, next_records_url

_MORE = "/services/data/v59.0/query/01g5gABC-2000"


def _entry(target: str, status: int = 200, **extra: Any) -> dict[str, Any]:
    return {"m": "GET", "t": target, "s": status, **extra}


def test_next_records_url_is_read_from_the_head_of_a_page() -> None:
    page = (
        b'{"totalSize":5000,"done":false,"nextRecordsUrl":"' + _MORE.encode() + b'","records":[]}'
    )
    assert next_records_url(page) == _MORE
    assert next_records_url(b'{"totalSize":1,"done":true,"records":[]}') is None
    # a link inside the records (past the head) is not a paging link
    assert next_records_url(b'{"records":[' + b" " * 600 + b'{"nextRecordsUrl":"x"}]}') is None


def test_transcript_lines_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    tr = Transcript(path)
    tr.write("GET", "/q?x=1", None, b"", 200, b'{"done":true}')
    tr.write("POST", "/w", "application/json", b'{"a":"\xc3\xa9"}', 201, b"{}")
    tr.close()
    got = floor.load_transcript(path)
    assert got == [
        {"m": "GET", "t": "/q?x=1", "s": 200},
        {"m": "POST", "t": "/w", "s": 201, "b": '{"a":"é"}', "ct": "application/json"},
    ]
    assert floor.load_transcript(path, skip=1) == got[1:]


def test_same_requests_maps_query_locators_by_position() -> None:
    recorded = [
        _entry("/services/data/v59.0/query?q=SELECT", next=_MORE),
        _entry(_MORE),
    ]
    other = "/services/data/v59.0/query/01g5gXYZ-2000"
    replayed = [_entry("/services/data/v59.0/query?q=SELECT", next=other), _entry(other)]
    assert floor.same_requests(recorded, replayed) == []
    # a different body, status or count is a difference
    changed = [replayed[0], {**replayed[1], "s": 400}]
    assert floor.same_requests(recorded, changed)
    assert floor.same_requests(recorded, replayed[:1])


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_replay_makes_the_same_calls_as_the_sync(crm: str) -> None:
    # a real sync against a sandbox process, replayed on a second one: ~7 tasks a deal, so
    # 400 Salesforce deals page their Task query (2,000 a page: a query-more locator)
    row = floor.measure(crm, 400 if crm == "salesforce" else 150)
    assert row["status"] == "ok"
    assert row["same_calls_per_endpoint"], row
    assert row["same_requests"], row.get("differences")
    assert row["floor_calls"] == row["api_calls"]
    assert set(row["floor_statuses"]) <= {"200", "201", "207"}
    if crm == "salesforce":
        assert row["query_more"] >= 1
