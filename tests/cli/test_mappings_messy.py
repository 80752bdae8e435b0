"""``mappings init`` and ``mappings validate --live`` against a messy HubSpot portal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from nextadvance.mappings import default_mapping_path
from nextadvance.sandbox import Sandbox
from nextadvance.sync import cli

_PROPS = (
    ("na_parked_until", "date", "date", ()),
    ("na_parked_reason", "string", "text", ()),
    ("na_next_advance", "string", "text", ()),
    ("na_objectives", "string", "textarea", ()),
    ("na_next_step_verdict", "string", "text", ()),
    ("na_stalled", "bool", "booleancheckbox", ("true", "false")),
    ("na_last_evaluated", "datetime", "date", ()),
    ("na_coach", "string", "textarea", ()),
    ("na_feedback", "enumeration", "select", ("yes", "no", "done")),
    ("na_written", "string", "text", ()),
)


@pytest.fixture(scope="module")
def messy() -> Iterator[Sandbox]:
    """A small messy portal (four pipelines, a renamed stage) after ``setup``'s properties."""
    with Sandbox(crm="hubspot", deals=12, seed=4, org="messy") as sb:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(sb.ca_path)
        session.headers["Authorization"] = f"Bearer {sb.hubspot_credentials['access_token']}"
        for name, typ, field_type, values in _PROPS:
            body = {
                "name": name,
                "label": name,
                "type": typ,
                "fieldType": field_type,
                "groupName": "dealinformation",
                "options": [{"label": v, "value": v} for v in values],
            }
            answer = session.post(f"{sb.base_url}/crm/v3/properties/deals", json=body, timeout=10)
            assert answer.status_code in (200, 201), answer.text
        yield sb


@pytest.fixture
def config(messy: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config with connection 'hs' to the messy portal (token in an env var)."""
    monkeypatch.setenv(
        "NA_TEST_MESSY_HS", json.dumps({"access_token": messy.hubspot_credentials["access_token"]})
    )
    path = tmp_path / "nextadvance.yaml"
    path.write_text(
        f"state_url: sqlite:///{tmp_path / 'state.db'}\n"
        "connections:\n"
        f"  - {{name: hs, crm: hubspot, base_url: '{messy.base_url}',"
        f" ca_bundle: '{messy.ca_path}', credentials: {{env: NA_TEST_MESSY_HS}}}}\n",
        encoding="utf-8",
    )
    return path


def _run(*args: str) -> object:
    return CliRunner().invoke(cli.app, list(args))


def test_init_scaffolds_every_pipeline_with_labels(config: Path, tmp_path: Path) -> None:
    """Each pipeline with its label and stages (current labels as comments), ignore list empty,
    the deal currency and the custom properties the playbook's evidence names."""
    out = tmp_path / "messy.yaml"
    result = _run("mappings", "init", "-C", "hs", "-c", str(config), "-o", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    text = out.read_text()
    for pipe, label in (
        ("default", "Sales Pipeline"),
        ('"7654321"', "Expansion Pipeline"),
        ('"8800001"', "Renewals"),
        ('"8800101"', "Partner Channel"),
    ):
        assert f'  {pipe}:\n    label: "{label}"\n    stages:\n' in text
    assert '"8800004": proposal   # Renewal Quote Out' in text
    assert "ignore_pipelines: []" in text
    assert "    amount: amount\n    currency: deal_currency_code" in text  # several currencies
    assert "budget_confirmed: {field: budget_confirmed, transform: boolean}" in text
    assert "decision_date: {field: decision_date, transform: date}" in text
    checked = _run("mappings", "validate", str(out), "--live", "-C", "hs", "-c", str(config))
    assert checked.exit_code == 0, checked.output  # type: ignore[attr-defined]


def test_validate_live_flags_unmapped_and_undecided_pipelines(config: Path, tmp_path: Path) -> None:
    """The stock mapping: each extra pipeline warned at pipelines:; with ignore_pipelines the
    undecided ones are warned at that key, and a stale label key is an error with its line."""
    stock = _run(
        "mappings",
        "validate",
        str(default_mapping_path("hubspot")),
        "--live",
        "-C",
        "hs",
        "-c",
        str(config),
    )
    assert stock.exit_code == 0, stock.output  # type: ignore[attr-defined]
    for pipe in ("7654321", "8800001", "8800101"):
        assert f"CRM pipeline '{pipe}' is not mapped" in stock.stderr  # type: ignore[attr-defined]
    text = default_mapping_path("hubspot").read_text(encoding="utf-8")
    renewals = (
        '  "8800001":\n    stages:\n      "Quote Sent": proposal\n'
        '      "8800007": closed_won\n      "8800008": closed_lost\n'
    )
    text = text.replace("\ndeal:\n", renewals + "\nignore_pipelines: ['7654321']\n\ndeal:\n", 1)
    path = tmp_path / "strict.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    result = _run("mappings", "validate", str(path), "--live", "-C", "hs", "-c", str(config))
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    stale = next(i for i, line in enumerate(lines, 1) if "Quote Sent" in line)
    assert f"{path}:{stale} pipelines.8800001.stages.Quote Sent" in err
    assert "stage 'Quote Sent' does not exist in pipeline '8800001'" in err
    ignore_line = next(i for i, line in enumerate(lines, 1) if line.startswith("ignore_pipelines"))
    assert (
        f"{path}:{ignore_line} ignore_pipelines: CRM pipeline '8800101' is neither mapped "
        "nor ignored" in err
    )
