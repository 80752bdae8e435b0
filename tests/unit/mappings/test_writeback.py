"""Rendering decisions into CRM write-back values: types, truncation, switches, the task."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from nextadvance.connectors import profile
from nextadvance.core import Decision, decide
from nextadvance.core.models import Deal
from nextadvance.mappings import (
    Mapping,
    due_date,
    load_playbook,
    render_writeback,
    translate_deal,
    truncate,
)

NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # a Friday


def _deal(**over: Any) -> Deal:
    values: dict[str, Any] = {
        "id": "006A",
        "name": "Ørsted Analytics – pilot",
        "stage": "discovery",
        "created_at": datetime(2026, 9, 1, tzinfo=UTC),
        "owner": "005OWNER",
    }
    values.update(over)
    return Deal(**values)


#: the engine's coaching fields (rep-facing words, due date, urgency) for the stand-in
COACHING = {
    "subject": "Get Ana's CFO into the demo by Thu 3 Dec",
    "verdict": "Too vague to check afterwards. Try: 'Ana names the approvers by Tue'",
    "due": "2026-12-02",
    "urgency": "high",
    "body": ['Open: "Shall we agree on a demo?"', "Ask: Who signs off?", "Ask: Who signs off?"],
}


def _decision(**over: Any) -> Decision:
    """A hand-made Decision (the real engine is exercised below too)."""
    return Decision.model_validate({**_decision_json(**over), "decided_at": NOW})


def _decision_json(**over: Any) -> dict[str, Any]:
    """The JSON of :func:`_decision`, for tests that vary one part."""
    d: dict[str, Any] = {
        "deal_id": "006A",
        "stage": "discovery",
        "open": True,
        "objectives": [
            {
                "id": "budget",
                "title": "Budget known",
                "stage": "discovery",
                "essential": True,
                "status": "learned",
            },
            {
                "id": "dm",
                "title": "Decision maker known",
                "stage": "discovery",
                "essential": True,
                "status": "missing",
            },
        ],
        "call_objective": {
            "learn": ["dm"],
            "questions": ["Who signs off?"],
            "stretch": {"text": "CFO joins the demo on a date", "advance_id": "cfo_demo"},
            "conservative": {"text": "Champion names the approvers", "advance_id": "names"},
            "plan": ["Say the objective", "Ask who signs off", "Close for the demo"],
        },
        "next_step_check": {"verdict": "vague", "reason": "no client actor or date"},
        "momentum": {"stalled": True},
    }
    d.update(over)
    return d


def test_checklist_marks_a_no_answer(sf_mapping: Mapping) -> None:
    """Bad news is not an open box: '[!] ... — answer was no', never '[ ]'."""
    raw = _decision_json()
    raw["objectives"][0]["status"] = "learned_negative"
    d = Decision.model_validate({**raw, "decided_at": NOW})
    plan = render_writeback(sf_mapping, _deal(), d, NOW)
    assert plan.deal_fields["NA_Objectives__c"] == (
        "[!] Budget known — answer was no\n[ ] Decision maker known (essential)"
    )


def test_salesforce_values_are_typed(sf_mapping: Mapping) -> None:
    """Values are CRM-neutral and typed; Salesforce's encoder sends JSON booleans, ISO UTC
    datetimes and YYYY-MM-DD dates."""
    plan = render_writeback(sf_mapping, _deal(), _decision(coaching=COACHING), NOW)
    assert plan.deal_object == "Opportunity"
    coach = json.loads(str(plan.deal_fields.pop("NA_Coach__c")))  # the card's payload
    assert coach["v"] == 1 and coach["advance"]["stretch"] == "CFO joins the demo on a date"
    assert plan.deal_fields == {
        "NA_Next_Advance__c": "Aim: CFO joins the demo on a date. At least: Champion names the approvers",
        "NA_Objectives__c": "[x] Budget known\n[ ] Decision maker known (essential)",
        "NA_Next_Step_Verdict__c": "Too vague to check afterwards. Try: 'Ana names the approvers by Tue'",
        "NA_Stalled__c": True,
        "NA_Last_Evaluated__c": NOW,
    }
    encode = profile("salesforce").encode
    assert encode(True) is True and encode(NOW) == "2026-11-27T15:30:00.000Z"
    task = plan.task
    assert task is not None
    assert task.fields["ActivityDate"] == date(2026, 12, 2)  # the engine's due date
    assert encode(task.fields["ActivityDate"]) == "2026-12-02"
    assert task.fields["OwnerId"] == "005OWNER" and task.fields["WhatId"] == "006A"
    assert task.fields["NA_Key__c"] == task.key and task.key.startswith("na-006A-")
    assert (task.fields["Priority"], task.fields["Status"]) == ("High", "Not Started")
    assert task.subject == "Get Ana's CFO into the demo by Thu 3 Dec"
    assert task.body == 'Open: "Shall we agree on a demo?"\nAsk: Who signs off?'  # no repeat


def test_decision_without_coaching_keeps_the_mapping_rules(sf_mapping: Mapping) -> None:
    """A decision JSON from before the coaching fields: due rule, configured priority, code."""
    plan = render_writeback(sf_mapping, _deal(), _decision(), NOW)
    assert plan.task is not None
    assert plan.task.fields["ActivityDate"] == date(2026, 12, 1)  # Friday + 2 business days
    assert plan.task.fields["Priority"] == "Normal"
    assert plan.task.subject == "CFO joins the demo on a date"
    assert plan.deal_fields["NA_Next_Step_Verdict__c"] == "vague: no client actor or date"


def test_hubspot_values_are_encoded_as_strings(hs_mapping: Mapping) -> None:
    """The same typed values; HubSpot's encoder sends "true"/"false", epoch-ms strings, and
    midnight-UTC dates."""
    plan = render_writeback(hs_mapping, _deal(), _decision(momentum={"stalled": False}), NOW)
    encode = profile("hubspot").encode
    assert plan.deal_fields["na_stalled"] is False and encode(False) == "false"
    assert plan.deal_fields["na_last_evaluated"] == NOW
    assert encode(NOW) == str(int(NOW.timestamp() * 1000))
    task = plan.task
    assert task is not None
    midnight = datetime(2026, 12, 1, tzinfo=UTC)
    assert task.fields["hs_timestamp"] == date(2026, 12, 1)
    assert encode(task.fields["hs_timestamp"]) == str(int(midnight.timestamp() * 1000))
    assert task.fields["na_task_key"] == task.key
    assert task.fields["hubspot_owner_id"] == "005OWNER"
    assert "WhatId" not in task.fields and task.deal_id == "006A"


def test_long_text_is_truncated_with_an_ellipsis(sf_mapping: Mapping) -> None:
    """Outputs longer than the target field end in '…' at exactly the field's length."""
    long = "The champion introduces the CFO and " + "ü" * 400
    co = {**_decision_json()["call_objective"], "stretch": {"text": long, "advance_id": "x"}}
    plan = render_writeback(sf_mapping, _deal(), _decision(call_objective=co), NOW)
    value = plan.deal_fields["NA_Next_Advance__c"]
    assert len(value) == 255 and value.endswith("…")
    assert plan.task is not None and len(plan.task.subject) == 255
    assert truncate("short", 10) == "short"


def test_disabled_outputs_are_not_written(sf_mapping: Mapping) -> None:
    """An output switched off (or a task switched off) is absent from the plan."""
    wb = sf_mapping.writeback
    deal_wb = wb.deal.model_copy(
        update={
            "stalled": wb.deal.stalled.model_copy(update={"enabled": False}),  # type: ignore[union-attr]
            "objectives": None,
        }
    )
    task = wb.task.model_copy(update={"enabled": False})  # type: ignore[union-attr]
    mapping = sf_mapping.model_copy(
        update={"writeback": wb.model_copy(update={"deal": deal_wb, "task": task})}
    )
    plan = render_writeback(mapping, _deal(), _decision(), NOW)
    assert set(plan.deal_fields) == {
        "NA_Next_Advance__c",
        "NA_Next_Step_Verdict__c",
        "NA_Last_Evaluated__c",
        "NA_Coach__c",
    }
    assert plan.task is None


def test_never_write_fields_are_never_rendered(sf_mapping: Mapping) -> None:
    """Even a mapping built in code that aims an output at a never-write field does not write it."""
    data = sf_mapping.model_dump()
    data["writeback"]["deal"]["next_advance"]["field"] = "NextStep"
    mapping = Mapping.model_validate(data)
    plan = render_writeback(mapping, _deal(), _decision(), NOW)
    assert "NextStep" not in plan.deal_fields
    assert "NA_Objectives__c" in plan.deal_fields


def test_verdict_picklist_values(sf_mapping: Mapping) -> None:
    """A verdict output with a values table writes the CRM's picklist value."""
    wb = sf_mapping.writeback
    verdict = wb.deal.next_step_verdict.model_copy(  # type: ignore[union-attr]
        update={"type": "picklist", "values": {"vague": "Too vague"}}
    )
    mapping = sf_mapping.model_copy(
        update={
            "writeback": wb.model_copy(
                update={"deal": wb.deal.model_copy(update={"next_step_verdict": verdict})}
            )
        }
    )
    plan = render_writeback(mapping, _deal(), _decision(), NOW)
    assert plan.deal_fields["NA_Next_Step_Verdict__c"] == "Too vague"


def test_task_key_is_stable_per_objective(sf_mapping: Mapping) -> None:
    """Same objective -> same key (a done task is not recreated); new advance -> new key."""
    first = render_writeback(sf_mapping, _deal(), _decision(), NOW).task
    later = render_writeback(
        sf_mapping,
        _deal(),
        _decision(momentum={"stalled": False}),
        datetime(2026, 12, 3, tzinfo=UTC),
    ).task
    co = {**_decision_json()["call_objective"], "stretch": {"text": "Pilot", "advance_id": "pilot"}}
    moved = render_writeback(sf_mapping, _deal(), _decision(call_objective=co), NOW).task
    other_deal = render_writeback(sf_mapping, _deal(id="006B"), _decision(), NOW).task
    assert first is not None and later is not None and moved is not None and other_deal is not None
    assert first.key == later.key
    assert len({first.key, moved.key, other_deal.key}) == 3


def test_closed_or_adviceless_decisions_get_no_task(sf_mapping: Mapping) -> None:
    """A closed deal, or a decision without an advance, produces no task but still fields."""
    closed = render_writeback(sf_mapping, _deal(), _decision(open=False), NOW)
    empty = render_writeback(sf_mapping, _deal(), _decision(call_objective={}), NOW)
    assert closed.task is None and empty.task is None
    assert empty.deal_fields["NA_Next_Advance__c"] is None


@pytest.mark.parametrize(
    ("rule", "today", "expected"),
    [
        ("today", date(2026, 11, 27), date(2026, 11, 27)),
        ("+3 days", date(2026, 11, 27), date(2026, 11, 30)),
        ("+2 business days", date(2026, 11, 27), date(2026, 12, 1)),
        ("+1 business day", date(2026, 11, 28), date(2026, 12, 1)),
        ("+5 Business Days", date(2026, 11, 23), date(2026, 11, 30)),
    ],
)
def test_due_date_rules(rule: str, today: date, expected: date) -> None:
    """Due-date rules count calendar or business days (weekends skipped)."""
    assert due_date(rule, today) == expected


def test_real_decision_renders_its_call_objective(sf_mapping: Mapping) -> None:
    """A real engine Decision (also after a JSON round trip) renders to the same plan."""
    record = {
        "Id": "006R",
        "Name": "Kestrel Freight",
        "StageName": "Needs Analysis",
        "CreatedDate": "2026-09-01T08:30:00.000+0000",
        "OwnerId": "005O",
        "Budget_Confirmed__c": True,
        "Account": {"Industry": "Banking", "NumberOfEmployees": 20},
    }
    deal = translate_deal(sf_mapping, record).value
    assert deal is not None
    decision = decide(deal, load_playbook(), NOW)
    plan = render_writeback(sf_mapping, deal, decision, NOW)
    again = Decision.model_validate_json(decision.model_dump_json())
    assert plan == render_writeback(sf_mapping, deal, again, NOW)
    assert plan.task is not None and decision.call_objective.stretch is not None
    assert plan.task.subject == decision.coaching.subject
    assert "_" not in plan.task.subject + plan.task.body


def test_values_are_crm_neutral(sf_mapping: Mapping, hs_mapping: Mapping) -> None:
    """Both CRMs get the same typed outputs (only field names differ), for comparing with
    read-backs; encoding for the wire is each connector's job."""
    sf = render_writeback(sf_mapping, _deal(), _decision(), NOW)
    hs = render_writeback(hs_mapping, _deal(), _decision(), NOW)
    assert sf.deal_fields["NA_Last_Evaluated__c"] == NOW
    assert sf.deal_fields["NA_Stalled__c"] is True
    assert hs.deal_fields["na_last_evaluated"] == NOW and hs.deal_fields["na_stalled"] is True
    assert sf.deal_fields["NA_Objectives__c"] == hs.deal_fields["na_objectives"]


def test_priority_level_is_crm_neutral(sf_mapping: Mapping, hs_mapping: Mapping) -> None:
    """Salesforce 'Normal' and HubSpot 'MEDIUM' are both the neutral 'normal' priority."""
    sf_task = render_writeback(sf_mapping, _deal(), _decision(), NOW).task
    hs_task = render_writeback(hs_mapping, _deal(), _decision(), NOW).task
    assert sf_task is not None and hs_task is not None
    assert sf_task.priority_level == hs_task.priority_level == "normal"
