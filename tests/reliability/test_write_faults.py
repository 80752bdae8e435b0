"""Writes under faults: replies lost after commit, per-record rejects in partial batches.

Every effect is verified by reading the CRM back (the sandbox snapshot), never by trusting
the run report alone.
"""

from __future__ import annotations

from typing import Any

import pytest

DEALS = 30


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_lost_replies_after_commit_give_exactly_one_effect_per_write(
    rworld: Any, rel: Any, clean_state: Any, crm: str
) -> None:
    """With 40% of write replies dropped after the CRM committed them, runs until success
    leave one task per key and every field once: the clean run's CRM state."""
    expected = clean_state(crm, DEALS, batch_size=4)
    world = rworld(crm, deals=DEALS, batch_size=4, faults={"drop_after_commit": 0.4, "seed": 8})
    for _ in range(5):
        code, report = world.sync()
        if code == 0:
            break
    dropped = world.sb.stats()["apps"][crm]["injected_faults"].get("drop_after_commit", 0)
    assert dropped >= 2, "the fault never fired: the test proves nothing"
    world.sb.set_faults(drop_after_commit=0.0)
    code, report = world.sync()
    assert code == 0, report
    state = world.state()
    assert rel.duplicates(state) == 0
    got = rel.comparable(state)
    assert got == expected, rel.differences(got, expected)
    rel.integrity_check(rel.store_path(world))


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_rejected_records_are_listed_with_the_crm_reason_and_retried_next_run(
    rworld: Any, rel: Any, clean_state: Any, crm: str
) -> None:
    """A partial batch (some records refused by validation) ends as partial with each refused
    record listed with the CRM's reason; once the rule is lifted the next run writes exactly
    those and the CRM matches a clean run."""
    expected = clean_state(crm, DEALS, batch_size=4)
    world = rworld(crm, deals=DEALS, batch_size=4, faults={"reject_record": 0.3, "seed": 5})
    code, report = world.sync()
    assert code == 1 and report["status"] == "partial", report
    rejects = report["rejects"]
    assert rejects, "no record was refused"
    assert all(r["message"] and r["code"] for r in rejects), rejects
    assert rel.comparable(world.state()) != expected
    world.sb.set_faults(reject_record=0.0)
    code, report = world.sync()
    assert code == 0 and not report["rejects"], report
    state = world.state()
    assert rel.duplicates(state) == 0
    assert rel.comparable(state) == expected
    rel.integrity_check(rel.store_path(world))
