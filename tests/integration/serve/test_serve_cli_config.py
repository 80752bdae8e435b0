"""``nextadvance serve`` refuses bad set-ups at start-up with exit 2 and a message, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

NEXTADVANCE = Path(sys.executable).with_name("nextadvance")


def _config(tmp_path: Path, schedule: str | None, creds_env: str = "NA_CFG_TEST_CREDS") -> Path:
    lines = [
        f"state_url: sqlite:///{tmp_path / 'state.db'}",
        "connections:",
        "  - name: acme-hs",
        "    crm: hubspot",
        f"    credentials: {{env: {creds_env}}}",
    ]
    if schedule is not None:
        lines.append(f'    schedule: "{schedule}"')
    cfg = tmp_path / "nextadvance.yaml"
    cfg.write_text("\n".join(lines) + "\n")
    return cfg


def _serve(
    cfg: Path, port: int = 0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEXTADVANCE), "serve", "--config", str(cfg), "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_no_scheduled_connection_is_a_config_error(tmp_path: Path) -> None:
    """With no connection scheduled, serve exits 2 and says how to add a schedule."""
    done = _serve(_config(tmp_path, None), env={"NA_CFG_TEST_CREDS": "tok-abcdef123"})
    assert done.returncode == 2, done.stderr
    assert "no connection has a schedule" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_credentials_fail_fast_without_leaking(tmp_path: Path) -> None:
    """An unset credentials variable stops serve at start-up (exit 2) naming the variable."""
    assert "NA_CFG_TEST_CREDS_MISSING" not in os.environ
    done = _serve(_config(tmp_path, "*/5 * * * *", "NA_CFG_TEST_CREDS_MISSING"))
    assert done.returncode == 2, done.stderr
    assert "NA_CFG_TEST_CREDS_MISSING" in done.stderr
    assert "Traceback" not in done.stderr


def test_port_in_use_is_a_config_error(tmp_path: Path) -> None:
    """A taken port gives exit 2 and a hint to choose another, not a bind traceback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        done = _serve(
            _config(tmp_path, "*/5 * * * *"), port, env={"NA_CFG_TEST_CREDS": "tok-abcdef123"}
        )
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
