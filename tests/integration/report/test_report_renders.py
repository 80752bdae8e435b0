"""The HTML report opens in real headless Chromium offline and every chart draws."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextadvance.sync.cli import app
from nextadvance.sync.report import CHART_IDS

pytestmark = pytest.mark.chromium


def test_report_renders_every_chart_without_errors_or_network(
    tmp_path: Path, deals_jsonl: Path, targets_yaml: Path, chromium
) -> None:
    """Charts have plotly SVGs, the console is clean, only the local file is requested."""
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app,
        [
            "report", "--input", str(deals_jsonl), "--from", "2026-07-01", "--to", "2026-12-31",
            "--now", "2026-11-25T09:30:00Z", "--tz", "Europe/Berlin",
            "--targets", str(targets_yaml), "--output", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    chromium.open(out.as_uri())
    expected = [*CHART_IDS, "chart-goals"]
    drawn = chromium.evaluate(
        f"Object.fromEntries({json.dumps(expected)}.map(id => [id, document.querySelectorAll("
        "'#' + id + '.js-plotly-plot .main-svg').length]))"
    )
    assert {cid: n > 0 for cid, n in drawn.items()} == dict.fromkeys(expected, True)
    bars = chromium.evaluate("document.querySelectorAll('#chart-sit-rep .point').length")
    assert bars == 4  # one bar per synthetic rep
    assert chromium.evaluate("document.querySelectorAll('table').length") >= 7
    assert chromium.errors() == []
    assert {url.split(":", 1)[0] for url in chromium.requests()} <= {"file", "data"}
    png = chromium.screenshot()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 1200 and height > 2000
    (tmp_path / "report.png").write_bytes(png)
    if target := os.environ.get("NEXTADVANCE_REPORT_SCREENSHOT"):
        Path(target).write_bytes(png)
