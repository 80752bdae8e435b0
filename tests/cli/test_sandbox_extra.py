"""Without the ``sandbox`` extra the CLI still starts; demo and sandbox name the extra."""

from __future__ import annotations

import subprocess
import sys

import pytest

_RUN = (
    "import sys; sys.modules['cryptography'] = None\n"  # as if the extra were not installed
    "from nextadvance.sync.cli import main\n"
    "main(sys.argv[1:])\n"
)


@pytest.mark.parametrize("args", [["demo", "--deals", "5"], ["sandbox", "serve"]])
def test_commands_needing_the_sandbox_name_the_extra(args: list[str]) -> None:
    """A clear usage error (exit 2) naming ``nextadvance[sandbox]``, never a traceback."""
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    assert "pip install 'nextadvance[sandbox]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_other_commands_work_without_the_sandbox() -> None:
    """``--help`` and engine commands do not import the sandbox."""
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, "--help"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "decide" in proc.stdout
