"""``nextadvance demo`` end to end: the deal fields a rep reads, as the sandbox CRM holds them.

The console script runs the whole product (setup, full sync, incremental sync) against the
bundled sandbox; the assertions read the sandbox's own snapshot, i.e. exactly what was
written: the next-advance field names the Aim (the task carries the fallback), the verdict's
rewrite is not restated by another field, a "no" is marked in the checklist, the stalled flag
comes with its fact, HubSpot gets the task notes as HTML paragraphs, and the demo's table
shows the CRM's stage labels, not its ids.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from nextadvance.sync.cli._demo_view import rep_view
from tests.cli._demo import demo_snapshot

#: HubSpot's internal ids of the default pipeline's open stages (what a rep never sees)
_HS_STAGE_IDS = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
)
_FIELDS = {
    "salesforce": ("NA_Next_Advance__c", "NA_Next_Step_Verdict__c", "NA_Objectives__c"),
    "hubspot": ("na_next_advance", "na_next_step_verdict", "na_objectives"),
}
_STALLED = {"salesforce": "NA_Stalled__c", "hubspot": "na_stalled"}
_COACH = {"salesforce": "NA_Coach__c", "hubspot": "na_coach"}


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_rep_facing_fields_after_a_demo_sync(crm: str, tmp_path: Path) -> None:
    snap, out = demo_snapshot(crm, tmp_path / "demo", 120)
    view = rep_view(snap, crm, {"default"} if crm == "hubspot" else None)
    assert len(view) > 50
    advance_f, verdict_f, objectives_f = _FIELDS[crm]
    negatives = stalled = notes = 0
    for deal_id, v in view.items():
        fields, task = v["fields"], v["task"]
        assert task is not None, deal_id
        advance = str(fields[advance_f])
        # item 4: the field names the Aim; the task the rep opens carries the fallback
        assert advance.startswith("Aim: ") and "At least" not in advance, advance
        assert "\nAt least: " in "\n" + str(task["body"]), task["body"]
        verdict = str(fields[verdict_f])
        tried = re.search(r"Try: '(.+)'$", verdict)
        if tried:
            assert tried.group(1) not in advance, (advance, verdict)
            assert advance[len("Aim: ") :] not in verdict, (advance, verdict)
        payload = json.loads(fields[_COACH[crm]])
        # item 2: the card says the field's verdict (its sentence, its "Try"), never the
        # engine's reason or an id, and a qualified good step is not "A real advance"
        card = payload["verdict"]
        said = card["sentence"] + (f" Try: '{card['rewrite']}'" if card["rewrite"] else "")
        assert verdict == said, (card, verdict)
        shown = " ".join([card["label"], card["sentence"], *payload["learn"], *payload["gap"]])
        assert not re.search(r"'[a-z]+_[a-z_]+'|\b[a-z]+_[a-z_]+\b|client commits", shown), shown
        if card["qualifier"]:
            assert card["label"] != "A real advance", card
        # item 14: a "no" is marked as one, never as an open box
        lines = str(fields[objectives_f]).split("\n")
        for o in payload["objectives"]:
            if o["status"] == "learned_negative":
                negatives += 1
                assert f"[!] {o['title']} — answer was no" in lines, lines
                assert not any(line.startswith(f"[ ] {o['title']}") for line in lines)
        # item 13: the flag comes with the fact a rep can check
        mom = payload["momentum"]
        if _truthy(fields.get(_STALLED[crm])):
            stalled += 1
            assert mom["stalled"] and mom["note"].startswith("No client advance"), mom
        elif mom.get("note"):
            notes += 1
            assert "; last conversation " in mom["note"], mom
    assert negatives, "the demo data has no learned-negative objective to check"
    assert notes, "no deal that talks without advancing: the note is untested"
    assert stalled < 0.7 * len(view), f"{stalled} of {len(view)} deals flagged stalled"
    if crm == "hubspot":
        # item 15: the task notes are HTML paragraphs (plain newlines collapse in HubSpot)
        bodies = [
            t["properties"]["hs_task_body"]
            for t in snap["hubspot"]["objects"]["tasks"]
            if t["properties"].get("na_task_key") and t["properties"].get("hs_task_body")
        ]
        assert bodies and all(b.startswith("<p>") and "\n" not in b for b in bodies)
        # the demo's table shows the portal's stage labels, not its internal ids
        table = out[out.index("What a rep now sees") :]
        assert not any(stage_id in table for stage_id in _HS_STAGE_IDS), table[:2000]
        assert re.search(r"Appointment Scheduled|Qualified To Buy|Presentation Scheduled", table)
