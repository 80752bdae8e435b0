"""``nextadvance mappings validate|default`` through the registered typer app."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextadvance.mappings import default_mapping_path
from nextadvance.sync import cli


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    """A CLI runner for the app."""
    return CliRunner()


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_shipped_mappings_validate(runner: CliRunner, crm: str) -> None:
    """A shipped mapping validates with exit 0 and a summary naming its stages and outputs."""
    path = default_mapping_path(crm)
    result = runner.invoke(cli.app, ["mappings", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"ok {path} ({crm})" in result.output
    assert "-> closed_won" in result.output and "suggested task:" in result.output


def test_every_problem_printed_with_file_line_and_key(runner: CliRunner, tmp_path: Path) -> None:
    """A broken file exits 2 and prints every problem with file:line and key path."""
    text = default_mapping_path("salesforce").read_text()
    text = text.replace("Negotiation/Review: negotiation", "Negotiation/Review: negociation")
    text = text.replace("    close_date: CloseDate", "    close_dat: CloseDate")
    path = tmp_path / "acme.yaml"
    path.write_text(text)
    lines = text.splitlines()
    stage_line = next(i for i, line in enumerate(lines, 1) if "negociation" in line)
    key_line = next(i for i, line in enumerate(lines, 1) if "close_dat:" in line)
    result = runner.invoke(cli.app, ["mappings", "validate", str(path)])
    assert result.exit_code == 2
    out = result.output
    assert "2 problems" in out
    assert (
        f"{path}:{stage_line} pipelines.default.stages.Negotiation/Review: unknown canonical stage 'negociation'"
        in out
    )
    assert "did you mean 'negotiation'?" in out
    assert f"{path}:{key_line} deal.fields.close_dat: unknown key 'close_dat'" in out
    assert "Traceback" not in out


def test_console_script_exit_code(tmp_path: Path) -> None:
    """The installed console script exits 2 on a syntax error and names the file and line."""
    import shutil
    import subprocess
    import sys

    sibling = Path(sys.executable).with_name("nextadvance")
    exe = str(sibling) if sibling.exists() else shutil.which("nextadvance")
    assert exe, "the nextadvance console script is not installed"
    path = tmp_path / "bad.yaml"
    path.write_text("crm: hubspot\npipelines: {default: [\n")
    done = subprocess.run(
        [exe, "mappings", "validate", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert f"{path}:" in done.stderr and "syntax" in done.stderr


def test_quiet_and_default(runner: CliRunner) -> None:
    """--quiet prints nothing for a valid file; 'default' prints the shipped YAML."""
    path = default_mapping_path("hubspot")
    quiet = runner.invoke(cli.app, ["mappings", "validate", "-q", str(path)])
    assert quiet.exit_code == 0 and quiet.output == ""
    shown = runner.invoke(cli.app, ["mappings", "default", "hubspot"])
    assert shown.exit_code == 0 and shown.output == path.read_text()
    unknown = runner.invoke(cli.app, ["mappings", "default", "pipedrive"])
    assert unknown.exit_code == 2
