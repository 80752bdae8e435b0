"""``nextadvance demo`` end to end: a subprocess through the console script, both CRMs."""

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

import pytest
import requests

from nextadvance.sync.cli._demo_view import rep_view


def _exe() -> str:
    exe = Path(sys.executable).with_name("nextadvance")
    return str(exe) if exe.exists() else (shutil.which("nextadvance") or "nextadvance")


def _wait_ready(
    directory: Path, proc: subprocess.Popen[str], timeout: float = 120
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    state = directory / "demo.json"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise AssertionError(f"demo exited early ({proc.returncode}):\n{out}")
        if state.exists():
            data = json.loads(state.read_text())
            if data.get("ready"):
                return data
        time.sleep(0.2)
    raise AssertionError("demo did not become ready in time")


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_demo_writes_tasks_and_second_run_touches_only_changed_deals(
    crm: str, tmp_path: Path
) -> None:
    """The demo really writes one task per open deal plus fields, and the incremental run
    touches only deals that reps changed — verified on the sandbox's own snapshot."""
    directory = tmp_path / "demo"
    env = {**os.environ, "COLUMNS": "120"}
    proc = subprocess.Popen(
        [_exe(), "demo", "--crm", crm, "--deals", "60", "--dir", str(directory), "--keep-running"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        info = _wait_ready(directory, proc)
        snap = requests.get(
            f"{info['base_url']}/_sandbox/snapshot", verify=info["ca_path"], timeout=30
        ).json()
        mapped = {"default"} if crm == "hubspot" else None  # the stock mapping's pipeline
        view = rep_view(snap, crm, mapped)
        assert view, "no open deals in the sandbox"
        # Every open deal carries exactly our one open suggested task and our fields.
        assert all(v["task"] is not None for v in view.values())
        assert all(any("verdict" in k.lower() for k in v["fields"]) for v in view.values())
        full, inc = info["full_run"], info["incremental_run"]
        assert full["status"] == "ok" and inc["status"] == "ok"
        assert full["tasks"]["created"] == len(view)
        # Right after, our own writes come back once and are recognised: nothing is written.
        assert info["quiet_run"]["api_calls"]["writes"] == 0
        # After reps change a few deals, only those are read again.
        assert inc["deals"]["pulled"] <= len(info["changed_by_reps"])
        assert info["changed_by_reps"], "the demo changed no deals"
        assert set(info["touched_by_us"]) <= set(info["changed_by_reps"])
        assert inc["tasks"]["created"] + inc["tasks"]["updated"] <= len(info["changed_by_reps"])
        assert info["report_path"] and Path(info["report_path"]).stat().st_size > 10_000
        # The config it wrote works with the ordinary commands.
        runs = subprocess.run(
            [_exe(), "runs", "--config", str(directory / "nextadvance.yaml"), "--json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert runs.returncode == 0, runs.stderr
        assert len(json.loads(runs.stdout)) == 3
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, out
    assert "What a rep now sees" in out
    # No credentials from the sandbox leak into what the demo prints.
    secret = json.loads((directory / "credentials.json").read_text())
    assert all(str(v) not in out for v in secret.values())
