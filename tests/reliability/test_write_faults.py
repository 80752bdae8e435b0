"""Writes under faults: replies lost after commit, per-record rejects in partial batches.

Every effect is verified by reading the CRM back (the sandbox snapshot), never by trusting
the run report alone.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nextadvance.mappings import default_mapping_path

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


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_a_write_whose_reply_never_came_is_looked_up_not_taken_for_a_reps_edit(
    rworld: Any, rel: Any, tmp_path: Path, crm: str
) -> None:
    """One run's replies are all lost after the CRM applied its task updates, past every
    retry. The writes stay pending (they were recorded rejected), the next run finds them
    applied, and a later template change updates the tasks again: our own applied subject
    once read as a rep's edit, so every later run reported conflicts and never updated."""
    default = default_mapping_path(crm).read_text()
    template = 'subject: "{task_subject}"'
    assert template in default
    mapping = tmp_path / f"{crm}-mapping.yaml"
    mapping.write_text(default)
    world = rworld(crm, deals=8, extra_config=f"    mapping: {mapping}\n")
    code, report = world.sync()
    assert code == 0, report
    mapping.write_text(default.replace(template, 'subject: "{task_subject} (v2)"'))
    world.sb.set_faults(drop_after_commit=1.0)
    code, lost = world.sync()
    assert lost["status"] == "partial" and lost["rejects"], lost
    assert rel.pending_writes(rel.store_path(world)) >= len(lost["rejects"])
    world.sb.set_faults(drop_after_commit=0.0)
    code, found = world.sync()
    assert code == 0 and not found["conflicts"] and found["reconciled"] > 0, found
    mapping.write_text(default.replace(template, 'subject: "{task_subject} (v3)"'))
    code, again = world.sync()
    assert code == 0 and not again["conflicts"] and again["tasks"]["updated"] > 0, again
    open_subjects = [
        t["subject"] for v in world.state().values() for t in v["tasks"] if not t["completed"]
    ]
    assert open_subjects and all(s.endswith("(v3)") for s in open_subjects), open_subjects
    assert rel.duplicates(world.state()) == 0


def test_one_refused_value_does_not_hold_back_the_rest_of_its_hubspot_batch(
    rworld: Any, rel: Any
) -> None:
    """HubSpot answers one 400 for a whole batch when one record holds a value the portal
    refuses: the batch is halved until the refused records stand alone, so every other deal
    is written and only the refused ones are listed (all 24 of the batch were, every run)."""
    ref = rworld("hubspot", deals=40)
    ref.sync()
    verdicts = Counter(
        v["fields"]["na_next_step_verdict"]
        for v in ref.state().values()
        if v["fields"]["na_next_step_verdict"]
    )
    bad = min(verdicts, key=lambda v: (verdicts[v], v))
    world = rworld("hubspot", deals=40)
    prop = rel.app_of(world.sb, "hubspot").portal.props["deals"]["na_next_step_verdict"]
    prop.type, prop.field_type = "enumeration", "select"
    prop.options = [(v, v) for v in verdicts if v != bad]
    code, report = world.sync()
    assert code == 1 and report["status"] == "partial", report
    refused = {r["record"] for r in report["rejects"]}
    wanted = {d: v["fields"]["na_next_step_verdict"] for d, v in ref.state().items()}
    assert refused == {d for d, v in wanted.items() if v == bad}, report["rejects"]
    state = world.state()
    assert all(
        state[d]["fields"]["na_next_step_verdict"] == v for d, v in wanted.items() if v and v != bad
    )
