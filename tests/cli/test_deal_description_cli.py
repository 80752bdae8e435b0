"""Item 1b end to end: ``nextadvance demo`` against the sandbox, where half the deals carry
"Pain: ..." in their description (Salesforce ``Description``, HubSpot ``description``).

Read back from the sandbox's own snapshot (what was written): no such deal shows pain as
open, at least one shows it learned from the description alone (checklist ``[x]``, card
"In the deal description: “Pain: ...”", undated), and no such deal's task asks the pain
question again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli._demo import demo_snapshot

_PAIN = "Pain or goal stated in the client's words"
_QUESTION = "What is the biggest problem with how you handle this today?"


def _deals(crm: str, snap: dict[str, Any]) -> list[dict[str, Any]]:
    """Open deals: description, the checklist field, the card payload, the open task text."""
    out = []
    if crm == "salesforce":
        sf = snap["salesforce"]
        tasks = {
            t["WhatId"]: f"{t.get('Subject') or ''}\n{t.get('Description') or ''}"
            for t in sf["Task"]
            if t.get("NA_Key__c") and t.get("Status") != "Completed" and not t.get("IsDeleted")
        }
        for o in sf["Opportunity"]:
            if o.get("IsClosed") or o.get("IsDeleted") or not o.get("NA_Coach__c"):
                continue
            out.append(
                {
                    "description": o.get("Description") or "",
                    "pain_field": o.get("Pain__c"),
                    "checklist": o.get("NA_Objectives__c") or "",
                    "card": json.loads(o["NA_Coach__c"]),
                    "task": tasks.get(o["Id"], ""),
                }
            )
        return out
    hs = snap["hubspot"]
    owner = {
        str(a[1]): str(a[3]) for a in hs["associations"] if a[0] == "tasks" and a[2] == "deals"
    }
    tasks = {}
    for t in hs["objects"]["tasks"]:
        p = t["properties"]
        if p.get("na_task_key") and p.get("hs_task_status") != "COMPLETED":
            text = f"{p.get('hs_task_subject') or ''}\n{p.get('hs_task_body') or ''}"
            tasks[owner.get(str(t["id"]), "")] = text
    for d in hs["objects"]["deals"]:
        p = d["properties"]
        if p.get("hs_is_closed") == "true" or d.get("archived") or not p.get("na_coach"):
            continue
        out.append(
            {
                "description": p.get("description") or "",
                "pain_field": None,
                "checklist": p.get("na_objectives") or "",
                "card": json.loads(p["na_coach"]),
                "task": tasks.get(str(d["id"]), ""),
            }
        )
    return out


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_pain_typed_in_the_deal_description_is_learned(crm: str, tmp_path: Path) -> None:
    deals = [
        d
        for d in _deals(crm, demo_snapshot(crm, tmp_path / "demo", 80)[0])
        if "Pain:" in d["description"]
    ]
    assert len(deals) >= 10, len(deals)
    from_description = 0
    for d in deals:
        assert f"[ ] {_PAIN}" not in d["checklist"], d["checklist"]
        assert _QUESTION not in d["task"], d["task"]
        pain = [o for o in d["card"]["objectives"] if o["title"] == _PAIN]
        if not pain:
            continue  # a Prospecting card lists its own stage's objectives only
        assert pain[0]["status"] == "learned", pain
        if pain[0]["evidence"].startswith("In the deal description: “Pain: "):
            from_description += 1
            assert pain[0]["on"] is None, pain
            if f"{_PAIN}" in d["checklist"]:
                assert f"[x] {_PAIN}" in d["checklist"], d["checklist"]
    assert from_description, "no deal learned pain from its description alone"
