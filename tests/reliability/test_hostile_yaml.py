"""Hostile or broken YAML in any file we read (config, mapping, playbook, lexicon, targets):
nested 5,000 levels deep, an alias bomb under an unknown key, or far too large.  Each fails
fast through the CLI with exit 2 and a message naming the file (and line), never a
traceback or a CPU-bound hang."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from nextadvance.sandbox import Sandbox  # noqa: F401  (the suite's sandbox extra is present)

ROOT = Path(__file__).resolve().parents[2]
DEALS = ROOT / "docs" / "examples" / "deals.jsonl"
NOW = "2026-11-23T09:00:00Z"


def _exe() -> str:
    import sys

    return str(Path(sys.executable).with_name("nextadvance"))


def _run(args: list[str], home: Path, env: dict[str, str] | None = None) -> Any:
    """The console script in ``home`` with a bare environment (plus ``env``)."""
    return subprocess.run(
        [_exe(), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=home,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "NEXTADVANCE_STATE_URL": "",
            **(env or {}),
        },
        check=False,
    )


def hostile(kind: str) -> str:
    """YAML text: ``deep`` (5,000 nested flow mappings), ``bomb`` (9 levels x 9 aliases under
    an unknown key) or ``large`` (3 MB of comments)."""
    if kind == "deep":
        return "version: 1\nnested: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n"
    if kind == "bomb":
        lines = [
            "version: 1",
            "not_a_known_key:",
            "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
        ]
        for i in range(1, 10):
            lines.append(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
        return "\n".join(lines) + "\n"
    return "version: 1\n" + ("# " + "x" * 98 + "\n") * 30_000


def command(kind: str, path: Path) -> list[str]:
    """The CLI command that reads ``path`` as a file of this kind."""
    if kind == "config":
        return ["sync", "--connection", "x", "--config", str(path)]
    if kind == "mapping":
        return ["mappings", "validate", str(path)]
    if kind in ("playbook", "lexicon"):
        return ["decide", "--input", str(DEALS), f"--{kind}", str(path), "--now", NOW]
    return [
        "report",
        "--input",
        str(DEALS),
        "--targets",
        str(path),
        "--now",
        NOW,
        "-f",
        "json",
        "-o",
        "-",
    ]


@pytest.mark.parametrize("shape", ["deep", "bomb", "large"])
@pytest.mark.parametrize("kind", ["config", "mapping", "playbook", "lexicon", "targets"])
def test_hostile_yaml_fails_fast_with_a_located_message(
    tmp_path: Path, kind: str, shape: str
) -> None:
    """Exit 2 in seconds; stderr names the file (and the line for depth and aliases)."""
    path = tmp_path / f"{kind}.yaml"
    path.write_text(hostile(shape))
    started = time.monotonic()
    result = _run(command(kind, path), tmp_path)
    took = time.monotonic() - started
    err = result.stderr
    assert result.returncode == 2, (result.returncode, err[-1500:])
    assert took < 20, took
    assert "Traceback" not in err and len(err.splitlines()) < 15, err[-1500:]
    assert path.name in err, err
    if shape == "deep":
        assert "deeper than 64 levels" in err and f"{path.name}:2" in err, err
    elif shape == "bomb":
        assert "alias" in err and f"{path.name}:3 not_a_known_key" in err, err
    else:
        assert "too large" in err, err


@pytest.mark.parametrize("value", ["2026-02-30", "!!int abc", "!!float abc", "!!timestamp foo"])
@pytest.mark.parametrize("kind", ["config", "mapping", "playbook", "lexicon", "targets"])
def test_a_value_its_tag_cannot_hold_is_located_not_a_traceback(
    tmp_path: Path, kind: str, value: str
) -> None:
    """A date that does not exist (YAML reads ``2026-02-30`` as a date) or a typed tag with a
    value of another type: exit 2 with file and line, never the constructor's traceback."""
    path = tmp_path / f"{kind}.yaml"
    path.write_text(f"version: 1\nholidays:\n  - {value}\n")
    result = _run(command(kind, path), tmp_path)
    err = result.stderr
    assert result.returncode == 2, (result.returncode, err[-1500:])
    assert "Traceback" not in err, err[-1500:]
    assert f"{path.name}:3" in err and "is not a valid" in err, err


def test_an_unforeseen_error_is_one_line_and_the_failure_code(tmp_path: Path) -> None:
    """An exception no command translates (here a port out of range) is one ``error:`` line
    and exit 4: a traceback exited 1, the code of a partial run."""
    result = _run(["sandbox", "serve", "--port", "99999"], tmp_path)
    assert result.returncode == 4, (result.returncode, result.stderr[-1500:])
    assert "Traceback" not in result.stderr and "error: unexpected" in result.stderr


def test_decide_into_a_folder_is_refused_and_leaves_no_temp_file(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = _run(["decide", "--input", str(DEALS), "--now", NOW, "-o", str(folder)], tmp_path)
    assert result.returncode == 2, (result.returncode, result.stderr[-1500:])
    assert f"{folder}: is a folder" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no .out.* left behind


def test_connection_problems_name_the_connections_own_key_and_line(tmp_path: Path) -> None:
    """An unset credentials variable points at the ``credentials:`` line as
    ``connections[0].credentials`` (it read ``connections[0].connections.sf.credentials`` at
    the connection's first line); a missing base_url at the connection."""
    config = tmp_path / "nextadvance.yaml"
    config.write_text(
        f"state_url: sqlite:///{tmp_path / 'state.db'}\n"
        "connections:\n"
        "  - name: sf\n"
        "    crm: salesforce\n"
        "    base_url: https://example.invalid\n"
        "    credentials: {env: NA_TEST_UNSET_VARIABLE}\n"
    )
    run = ["sync", "--connection", "sf", "--config", str(config)]
    result = _run(run, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "nextadvance.yaml:6 connections[0].credentials: " in result.stderr, result.stderr
    config.write_text(config.read_text().replace("    base_url: https://example.invalid\n", ""))
    result = _run(run, tmp_path, {"NA_TEST_UNSET_VARIABLE": '{"access_token": "x"}'})
    assert result.returncode == 2, result.stderr
    assert "nextadvance.yaml:3 connections[0].base_url: " in result.stderr, result.stderr
