"""systemd units: a hardened oneshot sync per connection on a persistent timer, and serve."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = ["nextadvance-sync@.service", "nextadvance-sync@.timer", "nextadvance-serve.service"]
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "RestrictSUIDSGID": "yes",
    "CapabilityBoundingSet": "",
    "SystemCallArchitectures": "native",
}


def _unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """Parse a unit file (keys may repeat, so values are lists)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_sync_service_is_a_hardened_oneshot_for_the_instance(deploy_dir: Path) -> None:
    """nextadvance-sync@.service runs `sync --connection %i` once, hardened and sized."""
    svc = _unit(deploy_dir / "systemd" / "nextadvance-sync@.service")["Service"]
    assert svc["Type"] == ["oneshot"]
    assert svc["ExecStart"][0].endswith("nextadvance sync --connection %i")
    assert svc["User"] == ["nextadvance"]
    assert svc["SuccessExitStatus"] == ["1 3"]  # partial and locked are not unit failures
    assert svc["EnvironmentFile"][0].startswith("/etc/nextadvance/")
    assert svc["MemoryMax"] == ["512M"]
    for key, value in HARDENING.items():
        assert svc.get(key) == [value], key


def test_timer_is_persistent_and_starts_the_matching_instance(deploy_dir: Path) -> None:
    """The timer catches up a missed start after downtime (Persistent=true), once."""
    timer = _unit(deploy_dir / "systemd" / "nextadvance-sync@.timer")
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Timer"]["Unit"] == ["nextadvance-sync@%i.service"]
    assert timer["Timer"]["OnCalendar"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]


def test_serve_service_migrates_then_serves_and_restarts_on_failure(deploy_dir: Path) -> None:
    """nextadvance-serve.service upgrades the store, then serves; hardened like the sync unit."""
    svc = _unit(deploy_dir / "systemd" / "nextadvance-serve.service")["Service"]
    assert svc["ExecStartPre"][0].endswith("nextadvance db upgrade")
    assert " serve " in svc["ExecStart"][0] + " "
    assert svc["Restart"] == ["on-failure"]
    assert svc["KillSignal"] == ["SIGTERM"]
    for key, value in HARDENING.items():
        assert svc.get(key) == [value], key


def test_units_pass_systemd_analyze_verify(deploy_dir: Path, tmp_path: Path) -> None:
    """`systemd-analyze verify` accepts the units (with ExecStart pointed at a real binary)."""
    exe = shutil.which("systemd-analyze")
    if exe is None:
        pytest.skip("systemd-analyze not installed")
    nextadvance = Path(sys.executable).with_name("nextadvance")
    names = []
    for unit in UNITS:
        text = (deploy_dir / "systemd" / unit).read_text()
        text = text.replace("/opt/nextadvance/bin/nextadvance", str(nextadvance))
        name = unit.replace("@.", "@acme-sf.")
        (tmp_path / name).write_text(text)
        names.append(str(tmp_path / name))
    proc = subprocess.run(
        [exe, "verify", "--man=no", *names],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    problems = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert proc.returncode == 0 and not problems, problems
