"""Exit codes are the same for the same mistake in every command, and listed in ``--help``.

Runtime-only install against a small sandbox. Before: an unknown deal was exit 2 in
``explain`` but 1 in ``mappings preview``, and ``runs --connection nope`` printed an empty
table with exit 0.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nextadvance.sandbox import Sandbox


@pytest.fixture(scope="module")
def crm() -> Iterator[Sandbox]:
    """A small Salesforce sandbox for the module."""
    with Sandbox(crm="salesforce", deals=5, seed=9) as sb:
        yield sb


@pytest.fixture
def env(crm: Sandbox, tmp_path: Path) -> dict[str, str]:
    """``nextadvance.yaml`` in the test's directory with connection ``sf``; the secret's env."""
    creds = crm.salesforce_credentials
    (tmp_path / "nextadvance.yaml").write_text(
        f"state_url: sqlite:///{tmp_path / 'state.db'}\nconnections:\n"
        f"  - {{name: sf, crm: salesforce, base_url: '{creds['instance_url']}',"
        f" ca_bundle: '{crm.ca_path}', credentials: {{env: NA_EXIT_SF}}}}\n",
        encoding="utf-8",
    )
    return {"NA_EXIT_SF": json.dumps({"session_id": creds["session_id"]})}


def test_unknown_deal_is_exit_2_in_explain_and_preview(
    run_runtime: Callable[..., Any], env: dict[str, str]
) -> None:
    """The same wrong id: the same code and an ``error:`` line in both commands."""
    assert run_runtime("sync", "-C", "sf", env=env).returncode == 0
    explain = run_runtime("explain", "-C", "sf", "--deal", "006NOPE", env=env)
    preview = run_runtime("mappings", "preview", "-C", "sf", "--deal", "006NOPE", env=env)
    for proc in (explain, preview):
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert proc.stderr.startswith("error: deal"), proc.stderr
        assert "006NOPE" in proc.stderr


def test_runs_of_an_unknown_connection_is_an_error(
    run_runtime: Callable[..., Any], env: dict[str, str]
) -> None:
    """``runs --connection nope`` names the configured connections, exit 2."""
    proc = run_runtime("runs", "--connection", "nope", env=env)
    assert proc.returncode == 2, proc.stdout
    assert "no connection named 'nope'" in proc.stderr and "expected one of: sf" in proc.stderr


def test_help_lists_the_exit_codes(run_runtime: Callable[..., Any]) -> None:
    """``nextadvance --help`` says what each exit code means."""
    proc = run_runtime("--help")
    text = " ".join(proc.stdout.split())
    assert "Exit codes: 0 ok; 1 partial" in text and "4 the run failed" in text
