"""Shared plumbing of the sync benchmarks: a sandbox CRM in its own process, a config for it.

The sandbox runs as ``python -m nextadvance.sandbox.cli serve`` so it never shares a GIL or
an address space with the sync being measured (its RSS and CPU stay out of our figures).
It is driven through its admin API (``stats``, ``mutate``, ``faults``) like any client would.
A sync is run either in this process (call counts) or in a child process (peak RSS alone).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from nextadvance.sandbox import Sandbox

__all__ = [
    "HS_PROPS",
    "RemoteSandbox",
    "endpoint_delta",
    "run_sync_child",
    "run_sync_here",
    "sandbox_process",
    "write_config",
]

#: HubSpot deal properties the default mapping writes (what ``nextadvance setup`` creates).
HS_PROPS = [
    ("na_next_advance", "string", "text"),
    ("na_objectives", "string", "textarea"),
    ("na_next_step_verdict", "string", "text"),
    ("na_stalled", "bool", "booleancheckbox"),
    ("na_last_evaluated", "datetime", "date"),
    ("na_parked_until", "date", "date"),
    ("na_parked_reason", "string", "text"),
    ("na_coach", "string", "textarea"),
    ("na_feedback", "string", "text"),
    ("na_written", "string", "text"),
]


@dataclass
class RemoteSandbox:
    """A sandbox served by another process: where it is and its admin API."""

    crm: str
    base_url: str
    ca_path: str
    info: dict[str, Any]
    proc: subprocess.Popen[str]
    home: Path
    _admin: Sandbox = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Only the admin client of Sandbox is used: it needs nothing but the URL and CA.
        self._admin = Sandbox(crm=self.crm)
        self._admin.base_url, self._admin.ca_path = self.base_url, Path(self.ca_path)

    @property
    def token(self) -> str:
        """The CRM credential a client sends (sandbox-only invented value)."""
        if self.crm == "salesforce":
            return str(self.info["salesforce"]["session_id"])
        return str(self.info["hubspot"]["access_token"])

    def stats(self) -> dict[str, Any]:
        """The sandbox's own request counters for this CRM."""
        return dict(self._admin.stats()["apps"][self.crm])

    def snapshot(self) -> dict[str, Any]:
        """All records the sandbox holds for this CRM."""
        return dict(self._admin.snapshot()[self.crm])

    def mutate(self, count: int, seed: int) -> list[str]:
        """Reps work ``count`` open deals; the ids they changed."""
        return list(self._admin.mutate(count, seed)["changed"][self.crm])

    def advance_clock(self, seconds: float) -> None:
        """Let ``seconds`` pass on the CRM's clock (stamps, ``Date``) without waiting."""
        self._admin.advance_clock(seconds)

    def set_faults(self, **changes: Any) -> None:
        """Change the fault plan (e.g. ``hubspot_per_10s=100``) at run time."""
        self._admin.set_faults(**changes)

    def session(self) -> requests.Session:
        """An HTTP session that trusts the sandbox CA and ignores proxy settings."""
        s = requests.Session()
        s.trust_env = False
        s.verify = self.ca_path
        return s


@contextmanager
def sandbox_process(
    crm: str,
    deals: int,
    seed: int = 7,
    faults: dict[str, Any] | None = None,
    transcript: Path | None = None,
    now: str | None = None,
) -> Iterator[RemoteSandbox]:
    """Serve a seeded sandbox for one CRM in a subprocess (HubSpot properties created).

    ``transcript``: the sandbox writes every API request it answers there (JSON lines);
    ``now``: the instant its world is dated from (ISO 8601; default: the clock).
    """
    home = Path(tempfile.mkdtemp(prefix="nextadvance-bench-"))
    cmd = [sys.executable, "-m", "nextadvance.sandbox.cli", "serve", "--crm", crm]
    cmd += ["--deals", str(deals), "--seed", str(seed), "--state-dir", str(home / "sandbox")]
    if faults:
        cmd += ["--faults", json.dumps(faults)]
    if transcript is not None:
        cmd += ["--transcript", str(transcript)]
    if now is not None:
        cmd += ["--now", now]
    env = {**os.environ, "NO_PROXY": "127.0.0.1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        for line in proc.stdout:
            lines.append(line)
            if line.rstrip() == "}":
                break
        if not lines or lines[-1].rstrip() != "}":
            raise RuntimeError(f"sandbox did not start: {''.join(lines)[-500:]}")
        info = json.loads("".join(lines))
        sb = RemoteSandbox(crm, info["base_url"], info["ca_path"], info, proc, home)
        if crm == "hubspot":
            _hubspot_setup(sb)
        yield sb
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(home, ignore_errors=True)


def _hubspot_setup(sb: RemoteSandbox) -> None:
    """Create the write-back properties, as ``nextadvance setup --apply`` would."""
    http = sb.session()
    for name, typ, field_type in HS_PROPS:
        r = http.post(
            f"{sb.base_url}/crm/v3/properties/deals",
            json={
                "name": name,
                "label": name,
                "type": typ,
                "fieldType": field_type,
                "groupName": "dealinformation",
            },
            headers={"Authorization": f"Bearer {sb.token}"},
            timeout=30,
        )
        if r.status_code not in (200, 201, 409):
            raise RuntimeError(f"creating HubSpot property {name}: {r.status_code} {r.text}")


def write_config(sb: RemoteSandbox, name: str = "bench", rate_per_s: float | None = None) -> Path:
    """Write nextadvance.yaml (SQLite state store, credentials in a 0600 file); its path."""
    home = Path(tempfile.mkdtemp(prefix="cfg-", dir=sb.home))
    secret = home / "credentials.json"
    key = "session_id" if sb.crm == "salesforce" else "access_token"
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({key: sb.token}, fh)
    limits = f"    limits: {{rate_per_s: {rate_per_s}}}\n" if rate_per_s else ""
    config = home / "nextadvance.yaml"
    config.write_text(
        f"state_url: sqlite:///{home / 'state.db'}\n"
        "connections:\n"
        f"  - name: {name}\n"
        f"    crm: {sb.crm}\n"
        "    credentials: {file: credentials.json}\n"
        f"    base_url: {sb.base_url}\n"
        f"    ca_bundle: {sb.ca_path}\n" + limits,
        encoding="utf-8",
    )
    return config


def run_sync_here(config: Path, name: str = "bench") -> dict[str, Any]:
    """Run one sync in this process; the report as JSON plus wall seconds."""
    from nextadvance.sync import load_settings, run_sync

    settings = load_settings(config)
    started, cpu = time.perf_counter(), time.process_time()
    report = run_sync(settings, name)
    out = report.to_json()
    out["wall_s"] = round(time.perf_counter() - started, 3)
    out["cpu_s"] = round(time.process_time() - cpu, 2)  # this process's CPU, all threads
    return out


def run_sync_child(config: Path, name: str = "bench") -> dict[str, Any]:
    """Run one sync in a fresh child process; its report, wall seconds and its own peak RSS."""
    code = (
        "import json, resource, sys\n"
        "from pathlib import Path\n"
        "from benchmarks._harness import run_sync_here\n"
        "out = run_sync_here(Path(sys.argv[1]), sys.argv[2])\n"
        "out['peak_rss_mb'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)\n"
        "print(json.dumps(out, default=str))\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(config), name],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"sync child failed ({done.returncode}): {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def endpoint_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """Requests per endpoint the sandbox answered between two ``stats()`` snapshots."""
    a, b = after.get("requests", {}), before.get("requests", {})
    return {k: a[k] - b.get(k, 0) for k in sorted(a) if a[k] - b.get(k, 0)}
