"""`nextadvance sandbox seed|serve` end to end: the console script and real HTTPS."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import requests
from typer.testing import CliRunner

from nextadvance.sync import cli


def _console_script() -> str:
    found = shutil.which("nextadvance") or str(Path(sys.executable).with_name("nextadvance"))
    assert Path(found).exists()
    return found


def test_seed_then_serve_data_file_answers_salesforce_queries(tmp_path: Path) -> None:
    """`seed` writes a world; `serve --data` serves it and prints working credentials."""
    data = tmp_path / "world.jsonl.gz"
    result = CliRunner().invoke(
        cli.app, ["sandbox", "seed", "--deals", "25", "--seed", "4", "--output", str(data)]
    )
    assert result.exit_code == 0, result.output
    assert "25 deals" in result.output
    proc = subprocess.Popen(
        [_console_script(), "sandbox", "serve", "--crm", "salesforce", "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_PROXY": "127.0.0.1"},
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.rstrip() == "}":
                break
        info = json.loads("".join(lines))
        creds = info["salesforce"]
        resp = requests.get(
            f"{info['base_url']}/services/data/v59.0/query",
            params={"q": "SELECT COUNT() FROM Opportunity"},
            headers={"Authorization": f"Bearer {creds['session_id']}"},
            verify=info["ca_path"],
            timeout=30,
        )
        assert resp.status_code == 200 and resp.json()["totalSize"] == 25
        assert creds["instance_url"] == info["base_url"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert proc.returncode == 0


def test_serve_refuses_remote_host_and_bad_faults() -> None:
    """Non-loopback hosts and unknown fault keys are usage errors, not tracebacks."""
    runner = CliRunner()
    remote = runner.invoke(cli.app, ["sandbox", "serve", "--host", "0.0.0.0"])
    assert remote.exit_code == 2 and "non-loopback" in remote.output
    faults = runner.invoke(cli.app, ["sandbox", "serve", "--faults", '{"bogus": 1}'])
    assert faults.exit_code == 2 and "bogus" in faults.output


def test_serve_dates_its_world_from_now() -> None:
    """`serve --now` dates the generated world from that instant (benchmarks count the same
    work whenever they run); a bad instant is a usage error."""
    from benchmarks._harness import sandbox_process

    with sandbox_process("salesforce", 10, seed=3, now="2020-03-01T12:00:00Z") as sb:
        resp = sb.session().get(
            f"{sb.base_url}/services/data/v59.0/query",
            params={"q": "SELECT CreatedDate FROM Opportunity"},
            headers={"Authorization": f"Bearer {sb.token}"},
            timeout=30,
        )
        assert resp.status_code == 200, resp.text
        created = sorted(r["CreatedDate"] for r in resp.json()["records"])
    assert created and created[-1] < "2020-03-02" and created[0] > "2018"
    runner = CliRunner()
    bad = runner.invoke(cli.app, ["sandbox", "serve", "--now", "yesterday"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output
    naive = runner.invoke(cli.app, ["sandbox", "serve", "--now", "2020-03-01T12:00:00"])
    assert naive.exit_code == 2 and "offset" in naive.output
