"""``nextadvance mappings validate --live`` end to end: CLI -> settings -> connector -> sandbox."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from typer.testing import CliRunner

from nextadvance.mappings import default_mapping_path, load_playbook
from nextadvance.sandbox import Sandbox
from nextadvance.sync import cli


@pytest.fixture(scope="module")
def live_sandbox() -> Iterator[Sandbox]:
    """One small sandbox with both CRMs for this module (its HubSpot portal gets properties)."""
    with Sandbox(crm="both", deals=6, seed=11) as sb:
        yield sb


@pytest.fixture
def config(live_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file with connections 'sf' and 'hs' to the sandbox (tokens in env vars)."""
    sb = live_sandbox
    monkeypatch.setenv(
        "NA_TEST_SF", json.dumps({"access_token": sb.salesforce_credentials["session_id"]})
    )
    monkeypatch.setenv(
        "NA_TEST_HS", json.dumps({"access_token": sb.hubspot_credentials["access_token"]})
    )
    path = tmp_path / "nextadvance.yaml"
    path.write_text(
        f"state_url: sqlite:///{tmp_path / 'state.db'}\n"
        "connections:\n"
        f"  - {{name: sf, crm: salesforce, base_url: '{sb.salesforce_credentials['instance_url']}',"
        f" ca_bundle: '{sb.ca_path}', credentials: {{env: NA_TEST_SF}}}}\n"
        f"  - {{name: hs, crm: hubspot, base_url: '{sb.base_url}',"
        f" ca_bundle: '{sb.ca_path}', credentials: {{env: NA_TEST_HS}}}}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def validate(config: Path) -> Callable[..., Any]:
    """Run ``mappings validate --live`` for a mapping file and connection."""
    runner = CliRunner()

    def run(mapping: Path, connection: str) -> Any:
        return runner.invoke(
            cli.app,
            ["mappings", "validate", str(mapping), "--live", "-C", connection, "-c", str(config)],
        )

    return run


def _copy(tmp_path: Path, crm: str, *replacements: tuple[str, str]) -> tuple[Path, list[str]]:
    text = default_mapping_path(crm).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"{crm}.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text.splitlines()


def _line(lines: list[str], needle: str) -> int:
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_salesforce_default_passes_live(validate: Callable[..., Any]) -> None:
    """The shipped Salesforce mapping matches the sandbox org; an extra role value is a warning."""
    result = validate(default_mapping_path("salesforce"), "sf")
    assert result.exit_code == 0, result.output
    assert "checked live against connection 'sf'" in result.stdout
    assert "'Economic Decision Maker' is not a value of CRM field Role" in result.stderr


def test_unknown_field_and_stage_are_located(validate: Callable[..., Any], tmp_path: Path) -> None:
    """A misspelt CRM field and a stage the org lacks fail with file:line, key and a hint."""
    path, lines = _copy(
        tmp_path,
        "salesforce",
        ("{field: Budget_Confirmed__c", "{field: Budget_Confirmd__c"),
        ("      Needs Analysis: discovery", "      Needs Analysys: discovery"),
    )
    result = validate(path, "sf")
    assert result.exit_code == 2
    err = result.stderr
    assert "2 problems" in err and "against the CRM" in err
    assert (
        f"{path}:{_line(lines, 'Budget_Confirmd__c')} deal.evidence.budget_confirmed.field: "
        "unknown CRM field 'Budget_Confirmd__c' on Opportunity"
    ) in err
    assert "did you mean 'Budget_Confirmed__c'?" in err
    assert (
        f"{path}:{_line(lines, 'Needs Analysys')} pipelines.default.stages.Needs Analysys: "
        "stage 'Needs Analysys' does not exist in pipeline 'default'"
    ) in err
    assert "did you mean 'Needs Analysis'?" in err
    assert "stage 'Needs Analysis' (Needs Analysis) is not mapped" in err


def test_write_target_must_be_writable_and_compatible(
    validate: Callable[..., Any], tmp_path: Path
) -> None:
    """Writing text into a read-only boolean, or more text than a field holds, is refused."""
    path, _ = _copy(
        tmp_path,
        "salesforce",
        (
            "next_advance: {field: NA_Next_Advance__c, type: text, max_length: 255}",
            "next_advance: {field: IsClosed, type: text, max_length: 255}",
        ),
        (
            "objectives: {field: NA_Objectives__c, type: textarea, max_length: 32000}",
            "objectives: {field: NA_Objectives__c, type: textarea, max_length: 40000}",
        ),
    )
    result = validate(path, "sf")
    assert result.exit_code == 2
    assert "CRM field IsClosed on Opportunity is read-only" in result.stderr
    assert "IsClosed is a boolean field; cannot hold a text value" in result.stderr
    assert "max_length 40000 exceeds NA_Objectives__c's length 32768" in result.stderr


def test_hubspot_missing_properties_then_created(
    validate: Callable[..., Any],
    live_sandbox: Sandbox,
    sandbox_http: Callable[[Sandbox], requests.Session],
) -> None:
    """Missing HubSpot properties fail (with the setup hint); once created, the mapping passes."""
    first = validate(default_mapping_path("hubspot"), "hs")
    assert first.exit_code == 2
    assert "unknown CRM field 'na_next_advance' on deals" in first.stderr
    assert "nextadvance setup --connection NAME" in first.stderr
    session = sandbox_http(live_sandbox)
    headers = {"Authorization": f"Bearer {live_sandbox.hubspot_credentials['access_token']}"}
    props = [
        ("na_parked_until", "date", "date"),
        ("na_parked_reason", "string", "text"),
        ("na_next_advance", "string", "text"),
        ("na_objectives", "string", "textarea"),
        ("na_next_step_verdict", "string", "text"),
        ("na_stalled", "bool", "booleancheckbox"),
        ("na_last_evaluated", "datetime", "date"),
        ("na_coach", "string", "textarea"),
        ("na_feedback", "enumeration", "select"),
        ("na_written", "string", "text"),
    ]
    for name, typ, field_type in props:
        body = {
            "name": name,
            "label": name,
            "type": typ,
            "fieldType": field_type,
            "groupName": "dealinformation",
        }
        if typ == "bool":
            body["options"] = [{"label": "Yes", "value": "true"}, {"label": "No", "value": "false"}]
        if typ == "enumeration":
            body["options"] = [{"label": v.capitalize(), "value": v} for v in ("yes", "no", "done")]
        response = session.post(
            f"{live_sandbox.base_url}/crm/v3/properties/deals",
            json=body,
            headers=headers,
            timeout=10,
        )
        assert response.status_code in (200, 201), response.text
    second = validate(default_mapping_path("hubspot"), "hs")
    assert second.exit_code == 0, second.output
    assert "CRM pipeline '7654321' is not mapped: its deals will be skipped" in second.stderr


def test_live_needs_a_connection_and_a_matching_crm(
    validate: Callable[..., Any], config: Path
) -> None:
    """--live without --connection, or against the other CRM, is a usage error (exit 2)."""
    runner = CliRunner()
    alone = runner.invoke(
        cli.app, ["mappings", "validate", str(default_mapping_path("hubspot")), "--live"]
    )
    assert alone.exit_code == 2 and "--live needs --connection" in alone.stderr
    wrong = validate(default_mapping_path("hubspot"), "sf")
    assert (
        wrong.exit_code == 2 and "is for hubspot but connection 'sf' is salesforce" in wrong.stderr
    )
    unknown = validate(default_mapping_path("hubspot"), "nope")
    assert unknown.exit_code == 2 and "no connection named 'nope'" in unknown.stderr


def test_init_scaffolds_a_mapping_that_validates_live(
    validate: Callable[..., Any], config: Path, tmp_path: Path
) -> None:
    """init writes a Salesforce mapping with proposed stage keys and found evidence fields,
    and that file passes validate --live against the same org."""
    out = tmp_path / "scaffold-sf.yaml"
    runner = CliRunner()
    result = runner.invoke(
        cli.app, ["mappings", "init", "-C", "sf", "-c", str(config), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stdout
    text = out.read_text()
    assert "      Prospecting: prospecting\n" in text
    assert "      Negotiation/Review: negotiation\n" in text
    assert "      Closed Lost: closed_lost\n" in text
    assert "budget_confirmed: {field: Budget_Confirmed__c, transform: boolean}" in text
    assert "No CRM field found for: compelling_event" in text
    again = runner.invoke(
        cli.app, ["mappings", "init", "-C", "sf", "-c", str(config), "-o", str(out)]
    )
    assert again.exit_code == 2 and "--force" in again.stderr
    checked = validate(out, "sf")
    assert checked.exit_code == 0, checked.output


def test_init_covers_every_hubspot_pipeline(config: Path) -> None:
    """init for HubSpot maps every pipeline of the portal, custom ones included, to stdout."""
    result = CliRunner().invoke(cli.app, ["mappings", "init", "-C", "hs", "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert (
        '  default:\n    label: "Sales Pipeline"\n    stages:\n'
        "      appointmentscheduled: prospecting" in result.stdout
    )
    assert "ignore_pipelines: []" in result.stdout
    assert '  "7654321":\n' in result.stdout
    assert "closed_won   # Won" in result.stdout


def _open_deal_ids(sb: Sandbox, sf_client_for: Callable[..., Any]) -> tuple[str, str]:
    sf = sf_client_for(sb)
    sf_id = sf.query("SELECT Id FROM Opportunity WHERE IsClosed = false ORDER BY Id LIMIT 1")
    session = requests.Session()
    session.verify = str(sb.ca_path)
    session.trust_env = False
    page = session.get(
        f"{sb.base_url}/crm/v3/objects/deals",
        params={"limit": 100, "properties": "hs_is_closed,pipeline"},
        headers={"Authorization": f"Bearer {sb.hubspot_credentials['access_token']}"},
        timeout=10,
    ).json()
    hs_id = next(
        d["id"]
        for d in page["results"]
        if d["properties"].get("hs_is_closed") != "true"
        and d["properties"].get("pipeline") == "default"
    )
    return sf_id["records"][0]["Id"], hs_id


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_preview_shows_deal_decision_and_writes(
    crm: str, config: Path, live_sandbox: Sandbox, sf_client_for: Callable[..., Any]
) -> None:
    """preview reads one deal through the mapping, decides it, and shows the planned writes."""
    sf_id, hs_id = _open_deal_ids(live_sandbox, sf_client_for)
    deal_id, conn = (sf_id, "sf") if crm == "salesforce" else (hs_id, "hs")
    result = CliRunner().invoke(
        cli.app,
        [
            "mappings",
            "preview",
            "-C",
            conn,
            "--deal",
            deal_id,
            "-c",
            str(config),
            "--now",
            "2026-11-23T12:00:00Z",
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f'"id": "{deal_id}"' in out and f'"system": "{crm}"' in out
    field = "NA_Next_Advance__c" if crm == "salesforce" else "na_next_advance"
    assert f"  {field} = " in out
    assert "Suggested task" in out
    # the coach card: the verdict field's sentence under a playbook label, no ids
    coach, verdict = ("NA_Coach__c", "NA_Next_Step_Verdict__c")
    if crm == "hubspot":
        coach, verdict = ("na_coach", "na_next_step_verdict")
    written = {
        m[1]: ast.literal_eval(m[2]) for m in re.finditer(r"^  (\w+) = (.+)$", out, re.MULTILINE)
    }
    card = json.loads(written[coach])["verdict"]
    assert card["label"] in load_playbook().wording.card.labels.values()
    assert str(written[verdict]).startswith(card["sentence"]), (card, written[verdict])
    shown = [card["label"], card["sentence"], card["rewrite"] or ""]
    assert not any(re.search(r"'[a-z]+_[a-z_]+'|client commits to", t) for t in shown), shown


def test_preview_of_unknown_deal_exits_2(config: Path) -> None:
    """A deal id the CRM does not have is reported, exit 2 (as in ``explain``)."""
    result = CliRunner().invoke(
        cli.app,
        ["mappings", "preview", "-C", "sf", "--deal", "006000000000000XXX", "-c", str(config)],
    )
    assert result.exit_code == 2
    assert "deal 006000000000000XXX was not found" in result.stderr
