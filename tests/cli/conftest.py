"""The CLI as a user installs it: ``pip install .`` (runtime dependencies only) in its own venv.

Why: the dev extra drags in packages (click among them) that a user's ``pip install nextadvance``
does not, and a CLI that only works because of them is broken for users. One venv per test
session (about 20 s), built from this checkout with the machine's ordinary pip configuration;
under pytest-xdist the workers share it (the first to need it builds it under a file lock in
the run's common temp root), so a run pays for one build, not one per worker.
"""

from __future__ import annotations

import os
import subprocess
import venv
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]


def _build_runtime_venv(where: Path) -> Path:
    """Create a venv at ``where`` holding ``pip install .``; its ``nextadvance`` script."""
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    bin_dir = where / ("Scripts" if os.name == "nt" else "bin")
    proc = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return bin_dir / "nextadvance"


@pytest.fixture(scope="session")
def runtime_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``nextadvance`` console script of a fresh venv holding ``.`` and its runtime deps."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build_runtime_venv(tmp_path_factory.mktemp("runtime-venv"))
    # An xdist worker's basetemp is <run root>/popen-gwN: the run root is common to the
    # workers of this run only, so a venv built there is fresh per run and shared within it.
    shared = tmp_path_factory.getbasetemp().parent
    where, done = shared / "runtime-venv", shared / "runtime-venv.done"
    with FileLock(str(shared / "runtime-venv.lock")):
        if not done.exists():
            script = _build_runtime_venv(where)
            done.write_text(str(script))
    return Path(done.read_text())


@pytest.fixture
def run_runtime(
    runtime_cli: Path, tmp_path: Path
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the runtime-only ``nextadvance`` with ``args`` in ``tmp_path`` (no TTY, no colour)."""

    def run(
        *args: str, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
        full_env.pop("VIRTUAL_ENV", None)
        return subprocess.run(
            [str(runtime_cli), *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=full_env,
            timeout=timeout,
        )

    return run
