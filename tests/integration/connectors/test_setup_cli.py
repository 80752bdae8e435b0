"""``nextadvance setup`` end to end through the CLI against the sandbox."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from nextadvance.sandbox import Sandbox
from nextadvance.sync import cli


def _config(tmp_path: Path, sb: Sandbox, crm: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    creds = sb.salesforce_credentials if crm == "salesforce" else sb.hubspot_credentials
    secret = (
        {"session_id": creds["session_id"]}
        if crm == "salesforce"
        else {"access_token": creds["access_token"]}
    )
    monkeypatch.setenv("NA_SETUP_TEST", json.dumps(secret))
    config = tmp_path / "nextadvance.yaml"
    config.write_text(
        f"state_url: sqlite:///{tmp_path / 'state.db'}\n"
        "connections:\n"
        f"  - name: acme\n"
        f"    crm: {crm}\n"
        "    credentials: {env: NA_SETUP_TEST}\n"
        f"    base_url: {sb.base_url}\n"
        f"    ca_bundle: {sb.ca_path}\n"
    )
    return config


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, list(args))
    return result.exit_code, result.output


def test_hubspot_setup_lists_missing_then_creates_them(sandbox_factory, tmp_path, monkeypatch):
    """Without --apply setup lists the missing properties (exit 1); with --apply it creates them."""
    sb = sandbox_factory(crm="hubspot", deals=3)
    config = _config(tmp_path, sb, "hubspot", monkeypatch)
    code, out = _run("setup", "--connection", "acme", "--config", str(config))
    assert code == 1, out
    assert "na_next_advance" in out and "missing" in out
    project = tmp_path / "hs-card"
    code, out = _run(
        "setup", "--connection", "acme", "--config", str(config), "--apply", "--out", str(project)
    )
    assert code == 0, out
    assert "created" in out
    # the card's feedback property is a dropdown reps pick from; the coach is long text
    token = sb.hubspot_credentials["access_token"]

    def prop(name: str) -> dict:
        r = requests.get(
            f"{sb.base_url}/crm/v3/properties/deals/{name}",
            headers={"Authorization": f"Bearer {token}"},
            verify=str(sb.ca_path),
            timeout=10,
        )
        assert r.status_code == 200, r.text
        return r.json()

    props = {n: prop(n) for n in ("na_feedback", "na_coach")}
    assert props["na_feedback"]["type"] == "enumeration"
    assert [o["value"] for o in props["na_feedback"]["options"]] == ["yes", "no", "done"]
    assert props["na_coach"]["fieldType"] == "textarea"
    # and the coach card's developer project, ready for `hs project upload`
    assert "hs project upload" in " ".join(out.split())
    assert json.loads((project / "hsproject.json").read_text())["srcDir"] == "src"
    view = (project / "src" / "app" / "cards" / "CoachView.jsx").read_text()
    assert "'na_coach'" in view and "'na_feedback'" in view
    assert (project / "src" / "app" / "cards" / "coach-card-hsmeta.json").exists()
    code, out = _run("setup", "--connection", "acme", "--config", str(config))
    assert code == 0, out
    assert "Nothing to do" in out


def test_salesforce_setup_writes_a_deployable_package(sandbox_factory, tmp_path, monkeypatch):
    """On an org without our fields, --apply writes package.xml and the object files to --out."""
    sb = sandbox_factory(crm="salesforce", deals=3, custom_fields=False)
    config = _config(tmp_path, sb, "salesforce", monkeypatch)
    out_dir = tmp_path / "pkg"
    code, out = _run(
        "setup", "--connection", "acme", "--config", str(config), "--apply", "--out", str(out_dir)
    )
    assert code == 0, out
    assert "sf project deploy start" in out
    ns = {"md": "http://soap.sforce.com/2006/04/metadata"}
    members = {
        m.text for m in ET.parse(out_dir / "package.xml").getroot().findall(".//md:members", ns)
    }
    assert "Opportunity.NA_Next_Advance__c" in members
    assert "Activity.NA_Key__c" in members
    # the coach card ships in the same package: LWC bundles and the reps' permission set
    assert {"naCoachCard", "naCoachModel", "NextAdvance_Coach"} <= members
    lwc = out_dir / "lwc" / "naCoachCard"
    assert "Opportunity.NA_Coach__c" in (lwc / "naCoachCard.js").read_text()
    assert (lwc / "naCoachCard.js-meta.xml").exists()
    assert not (lwc / "__tests__").exists()
    perm = (out_dir / "permissionsets" / "NextAdvance_Coach.permissionset").read_text()
    assert "<field>Opportunity.NA_Feedback__c</field>" in perm
    obj = (out_dir / "objects" / "Opportunity.object").read_text()
    assert "<fullName>NA_Feedback__c</fullName>" in obj and "<type>Picklist</type>" in obj
