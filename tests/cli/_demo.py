"""Run ``nextadvance demo --keep-running`` as users do and read back what it wrote.

Shared by the CLI tests that assert on what a rep sees in the CRM: the console script runs
the whole product (setup, full and incremental sync) against the bundled sandbox, and the
sandbox's own snapshot is exactly what was written.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests


def _exe() -> str:
    exe = Path(sys.executable).with_name("nextadvance")
    return str(exe) if exe.exists() else (shutil.which("nextadvance") or "nextadvance")


def demo_snapshot(crm: str, directory: Path, deals: int) -> tuple[dict[str, Any], str]:
    """Run the demo until it is ready, read the sandbox snapshot, stop it: (snapshot, output)."""
    proc = subprocess.Popen(
        [
            _exe(),
            "demo",
            "--crm",
            crm,
            "--deals",
            str(deals),
            "--dir",
            str(directory),
            "--keep-running",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        deadline = time.monotonic() + 240
        state = directory / "demo.json"
        while not (state.exists() and json.loads(state.read_text()).get("ready")):
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "demo did not become ready in time"
            time.sleep(0.3)
        info = json.loads(state.read_text())
        snap: dict[str, Any] = requests.get(
            f"{info['base_url']}/_sandbox/snapshot", verify=info["ca_path"], timeout=60
        ).json()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return snap, out
