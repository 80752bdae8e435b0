"""``nextadvance report`` end to end through the registered CLI app."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextadvance.sync.cli import app, main

NOW = "2026-11-23T12:00:00Z"  # Monday 13:00 in Berlin


def _invoke(*args: str):
    return CliRunner().invoke(app, ["report", *args])


def _main(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(["report", *args])
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def test_json_numbers_match_the_hand_computation(tmp_path: Path, hand_jsonl: Path) -> None:
    """Sit 2/4, velocity 2 × 1/2 × 50,000 ÷ 50 = 1,000/day, advance 1/4, 3 meetings for alice."""
    out = tmp_path / "r.json"
    result = _invoke(
        "-i", str(hand_jsonl), "--period", "2026-Q4", "--now", NOW, "-f", "json", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    sit = data["sit_rate"]
    assert (sit["total"]["rate"]["numerator"], sit["total"]["rate"]["denominator"]) == (2, 4)
    assert sit["by_rep"]["alice"]["rate"]["value"] == pytest.approx(2 / 3)
    vel = data["velocity"]["total"]
    assert (vel["open"], vel["won"], vel["lost"], vel["avg_cycle_days"]) == (2, 1, 1, 50.0)
    assert vel["per_day"] == pytest.approx(1000.0)
    assert data["advance_rate"]["total"] == {"numerator": 1, "denominator": 4, "value": 0.25}
    alice = data["productivity"]["by_rep"]["alice"]
    assert (alice["meetings"], alice["calls"]) == (3, 2)
    assert data["deals"] == 4 and data["skipped"] == []


def test_csv_to_stdout_is_one_long_table(hand_jsonl: Path) -> None:
    """CSV goes to stdout with '-' and holds the same sit rate."""
    result = _invoke(
        "-i", str(hand_jsonl), "--period", "2026-Q4", "--now", NOW, "-f", "csv", "-o", "-"
    )
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    total = next(r for r in rows if r["measure"] == "sit_rate" and r["group"] == "total")
    assert (total["numerator"], total["denominator"], total["value"]) == ("2", "4", "0.5")


def test_bad_lines_are_reported_skipped_counted_and_exit_1(
    tmp_path: Path, hand_jsonl: Path
) -> None:
    """Broken JSON, missing fields, a duplicate id and non-UTF-8 bytes: named by line, exit 1."""
    lines = hand_jsonl.read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    rows = [lines[0], "{not json", '{"id": "x"}', *lines[1:], lines[0]]
    bad.write_bytes(("\n".join(rows) + "\n").encode() + b'{"id": "\xff"}\n')
    out = tmp_path / "r.json"
    result = _invoke(
        "-i", str(bad), "--period", "2026-Q4", "--now", NOW, "-f", "json", "-o", str(out)
    )
    assert result.exit_code == 1
    assert "bad.jsonl:2: not valid JSON" in result.stderr
    assert "bad.jsonl:3: not a deal: stage: Field required" in result.stderr
    data = json.loads(out.read_text())
    assert "bad.jsonl:7: duplicate deal id 'A'" in result.stderr
    assert "bad.jsonl:8: not UTF-8 text" in result.stderr
    assert [s["line"] for s in data["skipped"]] == [2, 3, 7, 8]
    assert data["deals"] == 4


def test_unknown_stage_is_skipped_not_fatal(tmp_path: Path, hand_lines) -> None:
    """A deal whose stage the playbook does not know is skipped by id, and exit is 1."""
    path = tmp_path / "d.jsonl"
    bad = json.dumps({"id": "Z", "stage": "negociation", "created_at": "2026-10-01T09:00:00Z"})
    path.write_text(bad + "\n" + hand_lines[3] + "\n")
    result = _invoke("-i", str(path), "--now", NOW, "-f", "json", "-o", str(tmp_path / "r.json"))
    assert result.exit_code == 1
    assert "deal 'Z': unknown stage 'negociation'" in result.stderr


def test_targets_produce_bite_sized_blocks(tmp_path: Path, hand_jsonl: Path) -> None:
    """10 calls/week on Monday 13:00 Berlin: 2 today as 0/1/1/0; the missed one re-spread."""
    targets = tmp_path / "targets.yaml"
    targets.write_text("reps:\n  alice:\n    timezone: Europe/Berlin\n    targets: {calls: 10}\n")
    out = tmp_path / "r.json"
    result = _invoke(
        "-i", str(hand_jsonl), "--now", NOW, "--targets", str(targets), "-f", "json", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["period"]["label"] == "2026-Q4"  # default: the quarter of --now
    (goal,) = data["goals"]
    assert (goal["rep"], goal["metric"], goal["day_target"], goal["missed"]) == (
        "alice",
        "calls",
        2,
        1,
    )
    assert [b["planned"] for b in goal["blocks"]] == [0, 1, 1, 0]
    assert [b["target"] for b in goal["blocks"]] == [0, 1, 1, 1]
    assert [b["state"] for b in goal["blocks"]] == ["met", "missed", "current", "upcoming"]
    assert goal["blocks"][2]["label"] == "1 calls before 15:00"


def test_html_report_is_self_contained(tmp_path: Path, hand_jsonl: Path) -> None:
    """The HTML inlines plotly.js (no external script) and holds every chart div."""
    from nextadvance.sync.report import CHART_IDS

    out = tmp_path / "r.html"
    result = _invoke("-i", str(hand_jsonl), "--period", "2026-Q4", "--now", NOW, "-o", str(out))
    assert result.exit_code == 0
    html = out.read_text()
    assert "<script src=" not in html
    assert "Plotly.newPlot" in html
    assert all(f'id="{cid}"' in html for cid in CHART_IDS)
    assert "wrote" in result.stdout and "4 deals" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-Q5"], "invalid period"),
        (["--tz", "Mars/Olympus"], "unknown timezone"),
        (["--period", "2026-Q4", "--from", "2026-01-01"], "not both"),
        (["--from", "2026-02-01", "--to", "2026-01-01"], "before it starts"),
        (["--now", "2026-11-23T12:00:00"], "must include a timezone"),
        (["--connection", "acme"], "exactly one of"),
        (["--format", "html", "-o", "-"], "needs a file name"),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    capsys, hand_jsonl: Path, tmp_path: Path, args, message
) -> None:
    """Bad options are explained on stderr (no traceback) with exit code 2."""
    code, _, err = _main(capsys, "-i", str(hand_jsonl), "-o", str(tmp_path / "r.html"), *args)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_bad_targets_file_names_file_line_and_key(capsys, tmp_path: Path, hand_jsonl: Path) -> None:
    """An unknown metric and a malformed block are both reported, located."""
    targets = tmp_path / "targets.yaml"
    targets.write_text("workday:\n  blocks: ['9-12']\nreps:\n  alice:\n    targets: {visits: 3}\n")
    code, _, err = _main(
        capsys, "-i", str(hand_jsonl), "--targets", str(targets), "-o", str(tmp_path / "r.html")
    )
    assert code == 2
    assert "targets.yaml:2" in err and "HH:MM-HH:MM" in err
    assert "targets.yaml:5" in err and "visits" in err


def test_shipped_example_deals_report(tmp_path: Path) -> None:
    """The docs example JSONL (same input as decide) produces a report without skips."""
    example = Path(__file__).resolve().parents[3] / "docs" / "examples" / "deals.jsonl"
    if not example.exists():
        pytest.skip("docs/examples/deals.jsonl not shipped yet")
    out = tmp_path / "r.json"
    result = _invoke(
        "-i", str(example), "--now", NOW, "--tz", "Europe/Berlin", "-f", "json", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["deals"] == sum(1 for line in example.read_text().splitlines() if line.strip())


def test_crm_text_cannot_inject_markup(tmp_path: Path) -> None:
    """A rep name carrying a script tag is escaped in tables and in the chart JSON."""
    evil = "</script><script>window.pwned=1</script>"
    deal = {
        "id": "X1",
        "stage": "discovery",
        "created_at": "2026-10-01T09:00:00Z",
        "owner": evil,
        "activities": [
            {"id": "m", "kind": "meeting", "at": "2026-10-05T10:00:00Z", "outcome": "completed"}
        ],
    }
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(deal) + "\n")
    out = tmp_path / "x.html"
    assert _invoke("-i", str(path), "--now", NOW, "-o", str(out)).exit_code == 0
    html = out.read_text()
    assert evil not in html
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1" in html
