"""Idle runs read the minimum: the look-back starts at the previous read as the CRM's clock
saw it, so a burst of changes already read is not read again (issue #20, goal 5).

Pages of 10 make a 20-deal burst span several pages; the sandbox's clock is moved forward
between runs (a ``*/30`` schedule) instead of waiting, and it runs far ahead of ours, so the
test also shows that the window follows the CRM's clock, not this machine's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nextadvance.connectors._cursor import parse_ts

SCHEDULE_S = 1800.0
MINIMUM = {"salesforce": 4, "hubspot": 8}  # one query per object type (+ 2 archived listings)


def _calls(conn, drain, cursor):
    before = conn.calls.snapshot()["total"]
    batches, cursor = drain(conn, cursor)
    deals = {d.crm_id for b in batches for d in b.deals}
    return conn.calls.snapshot()["total"] - before, deals, cursor


def test_runs_after_a_burst_read_it_once_then_only_the_minimum(connector_factory, crm, drain):
    """Full sync, a burst of changed deals, the run that reads it, then idle runs: each idle
    run makes one read per object type and emits nothing, on the CRM's clock."""
    sb, conn = connector_factory(crm, deals=60, page_size=10)
    _, cursor = drain(conn, None)
    sb.advance_clock(SCHEDULE_S)
    burst = {str(i) for i in sb.mutate(20, seed=4)["changed"][crm]}
    assert len(burst) > 10, "the burst should span more than one page"
    sb.advance_clock(SCHEDULE_S)
    calls, deals, cursor = _calls(conn, drain, cursor)
    assert burst <= deals
    assert calls > MINIMUM[crm]
    for _ in range(2):
        sb.advance_clock(SCHEDULE_S)
        calls, deals, cursor = _calls(conn, drain, cursor)
        assert (calls, deals) == (MINIMUM[crm], set())
    # back to back (inside the look-back of the previous read): still nothing re-read
    calls, deals, cursor = _calls(conn, drain, cursor)
    assert (calls, deals) == (MINIMUM[crm], set())
    ahead = datetime.now(UTC) + timedelta(seconds=3 * SCHEDULE_S)
    read_at = [parse_ts(s["read_at"]) for s in cursor["streams"].values()]
    assert read_at and all(t > ahead for t in read_at), "the window must follow the CRM clock"
