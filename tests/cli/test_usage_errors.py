"""Every command-line usage mistake is one ``error:`` message and exit 2, in a runtime-only install.

Runs the console script of a venv holding only ``pip install .`` (no click, no dev tools), as a
user has it: before, each of these printed a traceback (and the handler itself died with
``ModuleNotFoundError: No module named 'click'``).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_runtime_install_has_no_click(runtime_cli: object) -> None:
    """The venv is what users get: typer 0.29+ runs without the click package."""
    from pathlib import Path

    python = Path(str(runtime_cli)).with_name("python")
    proc = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('click') is None)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.strip() == "True", proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["sync"], "error: nextadvance sync: Missing option '--connection'"),
        (["bogus"], "error: nextadvance: No such command 'bogus'. Commands: decide,"),
        (["synk"], "Did you mean 'sync'?"),
        (["decide", "--bogus"], "error: nextadvance decide: No such option: --bogus"),
        (["report"], "error: nextadvance report: Missing option '--output'"),
        (["demo", "--deals", "abc"], "error: nextadvance demo: Invalid value for '--deals'"),
        (["mappings", "bogus"], "error: nextadvance mappings: No such command 'bogus'"),
        (["runs", "--limit"], "Option '--limit' requires an argument"),
    ],
)
def test_usage_error_is_one_message_and_exit_2(
    run_runtime: Run, args: list[str], expected: str
) -> None:
    """A usage mistake names the command, what is wrong and where help is; never a traceback."""
    proc = run_runtime(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert expected in proc.stderr
    assert "  see: nextadvance" in proc.stderr and "--help" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 3, proc.stderr


def test_no_command_shows_help_and_exit_2(run_runtime: Run) -> None:
    """``nextadvance`` alone lists the commands (usage error: nothing was asked)."""
    proc = run_runtime()
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "sync" in proc.stdout + proc.stderr
    assert "mappings" in proc.stdout + proc.stderr


def test_help_and_version_still_exit_0(run_runtime: Run) -> None:
    """The happy paths of the parser are unchanged."""
    assert run_runtime("--version").returncode == 0
    proc = run_runtime("sync", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "--connection" in proc.stdout
