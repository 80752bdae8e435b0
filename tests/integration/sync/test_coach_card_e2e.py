"""The coach card end to end: a sync writes the payload into the mapped field of every open
deal (both CRMs), a second sync writes nothing, and feedback set in the CRM shows in the
next report as "Suggestions: accepted / rejected / done"."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextadvance.mappings import CoachPayload
from nextadvance.sync import cli

FIELDS = {"salesforce": ("NA_Coach__c", "NA_Feedback__c"), "hubspot": ("na_coach", "na_feedback")}


def _coach_values(world) -> dict[str, str]:
    coach, _ = FIELDS[world.crm]
    snap = world.sb.snapshot()[world.crm]
    if world.crm == "salesforce":
        rows = [(o["Id"], o.get(coach), not o.get("IsClosed")) for o in snap["Opportunity"]]
    else:
        rows = [
            (
                d["id"],
                d["properties"].get(coach),
                d["properties"].get("dealstage") not in ("closedwon", "closedlost"),
            )
            for d in snap["objects"]["deals"]
        ]
    return {str(i): v for i, v, is_open in rows if is_open and v}


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_coach_payload_written_idempotent_and_feedback_reported(
    make_world: Callable, crm: str, tmp_path: Path
) -> None:
    world = make_world(crm, deals=40)
    code, report = world.sync()
    assert code == 0, report
    coach = _coach_values(world)
    assert len(coach) >= 10
    for text in coach.values():
        payload = CoachPayload.model_validate_json(text)
        assert payload.stage and "_" not in payload.stage  # a name, not a key
        assert len(text) < 16_000

    code, again = world.sync()
    assert code == 0 and again["fields_updated"] == 0  # same advice: nothing written
    assert _coach_values(world) == coach  # decided_at kept: the advice was not re-given

    _, feedback = FIELDS[crm]
    ids = sorted(coach)[:4]
    for deal_id, answer in zip(ids, ["yes", "no", "done", "no"], strict=True):
        world.edit_deal(deal_id, {feedback: answer})
    code, _ = world.sync()
    assert code == 0

    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli.app,
        ["report", "--connection", crm, "--config", str(world.config), "-o", str(out)],
        env=world.env,
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Suggestions: accepted / rejected / done, by advance and by rep" in html
    assert "4 deals answered: 1 accepted, 2 rejected, 1 done." in html
    stretch = json.loads(coach[ids[1]])["advance"]["stretch"]
    assert stretch and re.sub(r"&#x27;", "'", html).count(stretch) >= 1
