"""``nextadvance db upgrade|current`` through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextadvance.sync import cli


def test_db_upgrade_creates_then_reports_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first upgrade migrates an empty store, the second says it is already at head."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEXTADVANCE_CONFIG", raising=False)
    monkeypatch.setenv("NEXTADVANCE_STATE_URL", f"sqlite:///{tmp_path / 's.db'}")
    runner = CliRunner()
    first = runner.invoke(cli.app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "upgraded empty -> 0004" in first.output
    second = runner.invoke(cli.app, ["db", "upgrade"])
    assert "already at 0004" in second.output
    current = runner.invoke(cli.app, ["db", "current"])
    assert "at 0004, head 0004" in current.output
