"""ops_from_plan: the mapping's rendered write-back becomes connector write ops."""

from __future__ import annotations

from datetime import UTC, datetime

from nextadvance.connectors import WriteKind, ops_from_plan
from nextadvance.core.models import Deal
from nextadvance.mappings import default_mapping_path, load_mapping, render_writeback

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DECISION = {
    "open": True,
    "call_objective": {
        "learn": [],
        "stretch": {"advance_id": "pilot_review", "text": "CFO joins a pilot review"},
        "conservative": {"advance_id": "budget_process", "text": "Champion shares the budget"},
        "questions": ["Who signs?"],
        "plan": ["State the objective"],
    },
    "next_step_check": {"verdict": "vague"},
    "momentum": {"stalled": True},
}


def _plan(crm: str):
    mapping = load_mapping(default_mapping_path(crm))
    deal = Deal(
        id="006X" if crm == "salesforce" else "42",
        stage="qualification",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        owner="005U",
        system=crm,
    )
    return render_writeback(mapping, deal, DECISION, NOW)


def test_plan_becomes_one_field_update_and_one_task_upsert():
    """A plan with fields and a task gives a deal update and a task upsert keyed by the plan."""
    plan = _plan("salesforce")
    ops = ops_from_plan(plan, task_crm_id="00T1")
    assert [op.kind for op in ops] == [WriteKind.update_deal, WriteKind.upsert_task]
    update, task = ops
    assert update.deal_id == task.deal_id == plan.deal_id
    assert update.fields == plan.deal_fields
    assert plan.task is not None and task.key == plan.task.key and task.crm_id == "00T1"
    assert task.task is not None
    assert task.task.subject == plan.task.subject and task.task.due == plan.task.due
    assert task.task.priority == plan.task.priority_level


def test_fields_filter_keeps_only_the_changed_fields():
    """Only the listed CRM fields are written (the planner drops conflicting ones)."""
    plan = _plan("hubspot")
    ops = ops_from_plan(plan, fields={"na_stalled"})
    assert ops[0].fields == {"na_stalled": plan.deal_fields["na_stalled"]}
    assert ops_from_plan(plan, fields=set())[0].kind == WriteKind.upsert_task
