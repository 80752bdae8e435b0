"""Connector writes against the sandbox: batched, per-record results, idempotent task upserts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from nextadvance.connectors import (
    TaskSpec,
    WriteKind,
    WriteOp,
    missing_fields,
    required_fields,
)
from nextadvance.connectors.hubspot import create_hubspot_properties


def _deal_ids(conn: Any, drain: Any, n: int) -> tuple[list[str], dict[str, Any]]:
    batches, cursor = drain(conn, None)
    ids = [d.crm_id for b in batches for d in b.deals if d.deal is not None]
    return ids[:n], cursor


def _task_ops(deal_ids: list[str], subject: str = "Next advance: pilot agreed") -> list[WriteOp]:
    return [
        WriteOp(
            kind=WriteKind.upsert_task,
            key=f"na-test-{deal_id}",
            deal_id=deal_id,
            task=TaskSpec(subject=subject, body="Ask who signs.", due=date(2026, 12, 1)),
        )
        for deal_id in deal_ids
    ]


def _our_tasks(sb: Any, crm: str) -> list[dict[str, Any]]:
    snap = sb.snapshot()
    if crm == "salesforce":
        return [t for t in snap["salesforce"]["Task"] if t.get("NA_Key__c")]
    return [
        t
        for t in snap["hubspot"]["objects"]["tasks"]
        if (t.get("properties") or {}).get("na_task_key")
    ]


def test_task_upsert_is_idempotent_and_linked(connector_factory, crm, drain):
    """Upserting the same task keys twice creates each task once, linked to its deal."""
    sb, conn = connector_factory(crm, deals=10)
    deal_ids, _ = _deal_ids(conn, drain, 4)
    first = conn.apply(_task_ops(deal_ids))
    assert [r.ok for r in first] == [True] * 4, first
    assert all(r.created and r.crm_id for r in first)
    second = conn.apply(_task_ops(deal_ids, subject="Next advance: security review booked"))
    assert [r.ok for r in second] == [True] * 4, second
    assert not any(r.created for r in second)
    assert [r.crm_id for r in second] == [r.crm_id for r in first]
    assert len(_our_tasks(sb, crm)) == 4
    found = conn.find_tasks([f"na-test-{d}" for d in deal_ids] + ["na-test-missing"])
    assert set(found) == {f"na-test-{d}" for d in deal_ids}
    state = found[f"na-test-{deal_ids[0]}"]
    assert state.deal_id == deal_ids[0]
    assert state.subject == "Next advance: security review booked"
    assert state.due == date(2026, 12, 1)
    assert not state.completed


def test_close_task_marks_it_completed_and_ignores_missing(connector_factory, crm, drain):
    """close_task completes our task by key; a task that no longer exists is a no-op success."""
    _sb, conn = connector_factory(crm, deals=10)
    deal_ids, _ = _deal_ids(conn, drain, 2)
    conn.apply(_task_ops(deal_ids[:1]))
    results = conn.apply(
        [
            WriteOp(kind=WriteKind.close_task, key=f"na-test-{deal_ids[0]}", deal_id=deal_ids[0]),
            WriteOp(kind=WriteKind.close_task, key="na-test-gone", deal_id=deal_ids[1]),
        ]
    )
    assert [r.ok for r in results] == [True, True]
    assert conn.find_tasks([f"na-test-{deal_ids[0]}"])[f"na-test-{deal_ids[0]}"].completed


def test_deal_fields_written_are_read_back_typed(connector_factory, crm, drain):
    """Write-back fields set through apply come back typed on the next pull."""
    _sb, conn = connector_factory(crm, deals=10)
    if crm == "hubspot":
        missing = missing_fields(required_fields(conn.config.mapping), conn.describe())
        create_hubspot_properties(conn, missing)
    deal_ids, cursor = _deal_ids(conn, drain, 3)
    names = (
        ("NA_Next_Advance__c", "NA_Stalled__c", "NA_Last_Evaluated__c")
        if crm == "salesforce"
        else ("na_next_advance", "na_stalled", "na_last_evaluated")
    )
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    ops = [
        WriteOp(
            kind=WriteKind.update_deal,
            key=f"deal:{d}",
            deal_id=d,
            fields={names[0]: "Pilot agreed by the CFO", names[1]: True, names[2]: when},
        )
        for d in deal_ids
    ]
    results = conn.apply(ops)
    assert all(r.ok for r in results), results
    batches, _ = drain(conn, cursor)
    back = {d.crm_id: d.writeback for b in batches for d in b.deals}
    for d in deal_ids:
        assert back[d][names[0]] == "Pilot agreed by the CFO"
        assert back[d][names[1]] is True
        assert back[d][names[2]] == when


def test_partial_batch_failures_are_reported_per_record(connector_factory, crm, drain):
    """With some records refused, each op gets its own result and the others are written."""
    sb, conn = connector_factory(crm, deals=40)
    deal_ids, _ = _deal_ids(conn, drain, 30)
    sb.set_faults(reject_record=0.3, seed=5)
    results = conn.apply(_task_ops(deal_ids))
    sb.set_faults(reject_record=0.0)
    failed = [r for r in results if not r.ok]
    assert len(results) == len(deal_ids)
    assert 0 < len(failed) < len(results)
    assert all(r.error_code and r.message and not r.retryable for r in failed)
    assert len(_our_tasks(sb, crm)) == len(results) - len(failed)
    retry = conn.apply(_task_ops([d for d, r in zip(deal_ids, results, strict=True) if not r.ok]))
    assert all(r.ok for r in retry)
    assert len(_our_tasks(sb, crm)) == len(deal_ids)


def test_lost_replies_never_duplicate_tasks(connector_factory, crm, drain):
    """When the CRM commits a create but the reply is lost, the retry updates instead of duplicating."""
    sb, conn = connector_factory(crm, deals=12)
    deal_ids, _ = _deal_ids(conn, drain, 8)
    sb.set_faults(drop_after_commit=0.5, seed=2)
    results = conn.apply(_task_ops(deal_ids))
    sb.set_faults(drop_after_commit=0.0)
    pending = [d for d, r in zip(deal_ids, results, strict=True) if not r.ok]
    if pending:
        assert all(r.retryable for r in results if not r.ok)
        conn.apply(_task_ops(pending))
    keys = [
        t.get("NA_Key__c") or (t.get("properties") or {}).get("na_task_key")
        for t in _our_tasks(sb, crm)
    ]
    assert sorted(keys) == sorted(f"na-test-{d}" for d in deal_ids)


def test_too_long_text_is_a_clean_per_record_reject(connector_factory, drain):
    """A Salesforce STRING_TOO_LONG refuses only that record, naming the field; others land."""
    sb, conn = connector_factory("salesforce", deals=6)
    deal_ids, _ = _deal_ids(conn, drain, 2)
    ops = _task_ops(deal_ids)
    ops[0] = WriteOp(
        kind=WriteKind.upsert_task,
        key=ops[0].key,
        deal_id=ops[0].deal_id,
        task=TaskSpec(subject="x" * 300, due=date(2026, 12, 1)),
    )
    results = conn.apply(ops)
    assert not results[0].ok and results[1].ok
    assert results[0].error_code == "STRING_TOO_LONG"
    assert results[0].field == "Subject"
    assert not results[0].retryable
    assert len(_our_tasks(sb, "salesforce")) == 1


def test_unknown_field_fails_the_ops_not_the_run(connector_factory, crm, drain):
    """Writing a field the CRM lacks gives failed, non-retryable results instead of an exception."""
    _sb, conn = connector_factory(crm, deals=6)
    deal_ids, _ = _deal_ids(conn, drain, 2)
    field = "Not_A_Field__c" if crm == "salesforce" else "not_a_property"
    ops = [
        WriteOp(kind=WriteKind.update_deal, key=f"deal:{d}", deal_id=d, fields={field: "x"})
        for d in deal_ids
    ]
    results = conn.apply(ops + _task_ops(deal_ids[:1]))
    assert [r.ok for r in results] == [False, False, True]
    assert all(not r.retryable and r.message for r in results[:2])
