"""``nextadvance report --connection``: the same measures from a connection's mirror."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextadvance.connectors import ActivityRecord, DealRecord, PullBatch
from nextadvance.core.models import Deal
from nextadvance.sync.cli import app, main
from nextadvance.sync.store._db import StateStore
from nextadvance.sync.store._mirror import Mirror

NOW = "2026-11-23T12:00:00Z"


@pytest.fixture
def config(tmp_path: Path, hand_lines: list[str]) -> Path:
    """A config with one Salesforce connection whose mirror holds the hand-computable deals."""
    url = f"sqlite:///{tmp_path}/state.db"
    cfg = tmp_path / "nextadvance.yaml"
    cfg.write_text(
        f"state_url: {url}\nconnections:\n  - name: acme\n    crm: salesforce\n"
        "    credentials: {env: ACME_SF_CREDENTIALS}\n"
    )
    stamp = datetime(2026, 11, 23, 11, tzinfo=UTC)
    deals = [Deal.model_validate_json(line) for line in hand_lines]
    batch = PullBatch(
        cursor={},
        deals=tuple(
            DealRecord(crm_id=d.id, modified_at=stamp, deal=d.model_copy(update={"activities": ()}))
            for d in deals
        ),
        activities=tuple(
            ActivityRecord(crm_id=a.id, modified_at=stamp, deal_ids=(d.id,), activity=a)
            for d in deals
            for a in d.activities
        ),
    )
    store = StateStore.open(url)
    try:
        with store.session() as s:
            Mirror(s, "acme", is_open=lambda d: not d.stage.startswith("closed")).apply(
                batch, stamp
            )
    finally:
        store.close()
    return cfg


def _json(args: list[str], out: Path) -> dict:
    result = CliRunner().invoke(app, ["report", *args, "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def test_mirror_and_jsonl_give_the_same_report(
    tmp_path: Path, config: Path, hand_jsonl: Path
) -> None:
    """Every number read from the mirror equals the one from the same deals as JSONL."""
    common = ["--period", "2026-Q4", "--now", NOW]
    from_mirror = _json(["--connection", "acme", "-c", str(config), *common], tmp_path / "a.json")
    from_file = _json(["--input", str(hand_jsonl), *common], tmp_path / "b.json")
    assert from_mirror["deals"] == 4
    assert from_mirror["sit_rate"]["total"]["rate"]["value"] == 0.5
    assert from_mirror == from_file


def test_unknown_connection_is_a_usage_error(capsys, tmp_path: Path, config: Path) -> None:
    """A connection name not in the config exits 2 and lists the configured ones."""
    with pytest.raises(SystemExit) as exc:
        main(["report", "--connection", "acme2", "-c", str(config), "-o", str(tmp_path / "r.html")])
    assert exc.value.code == 2
    assert "no connection named 'acme2'" in capsys.readouterr().err
