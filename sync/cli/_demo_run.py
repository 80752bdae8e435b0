"""``nextadvance demo``: the whole product, end to end, against the bundled sandbox CRM.

A newcomer with no CRM account sees nextadvance do its real job: a local Salesforce or
HubSpot emulator is started and seeded, a real config/mapping/state store is written, the
real connector runs a full sync, then reps "work" a few deals and an incremental sync shows
that only those deals are touched.  Nothing here is a shortcut: the demo drives the same
CLI commands (``setup``, ``sync``, ``report``) a production deployment uses.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from nextadvance.connectors import profile
from nextadvance.mappings import default_mapping_path, load_mapping

from ..config._settings import load_settings
from ._common import sandbox_missing
from ._demo_view import EMULATED, rep_view, show_rep_view, touched

if TYPE_CHECKING:
    from nextadvance.sandbox import Sandbox

__all__ = ["DemoResult", "run_demo"]

CONNECTION = "demo"


@dataclass
class DemoResult:
    """What the demo did, also written to ``demo.json`` in the demo directory."""

    crm: str
    directory: Path
    base_url: str
    ca_path: str
    full_run: dict[str, Any] = field(default_factory=dict)
    quiet_run: dict[str, Any] = field(default_factory=dict)
    incremental_run: dict[str, Any] = field(default_factory=dict)
    changed_by_reps: list[str] = field(default_factory=list)
    touched_by_us: list[str] = field(default_factory=list)
    report_path: str | None = None
    ready: bool = False

    def to_json(self) -> dict[str, Any]:
        """JSON-able form for ``demo.json``."""
        return {
            "crm": self.crm,
            "directory": str(self.directory),
            "config": str(self.directory / "nextadvance.yaml"),
            "base_url": self.base_url,
            "ca_path": self.ca_path,
            "full_run": self.full_run,
            "quiet_run": self.quiet_run,
            "incremental_run": self.incremental_run,
            "changed_by_reps": self.changed_by_reps,
            "touched_by_us": self.touched_by_us,
            "report_path": self.report_path,
            "ready": self.ready,
        }


def _write_files(sb: Sandbox, crm: str, directory: Path) -> Path:
    """Write credentials (0600), the mapping copy and nextadvance.yaml; return the config path."""
    creds = EMULATED[crm].credentials(sb)
    secret = directory / "credentials.json"
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(creds, fh)
    mapping = directory / f"{crm}-mapping.yaml"
    shutil.copyfile(default_mapping_path(crm), mapping)
    schema = default_mapping_path(crm).parent.parent / "schemas" / "mapping.schema.json"
    if schema.exists():
        # The copied mapping's yaml-language-server line points at ../schemas/.
        (directory / "schemas").mkdir(exist_ok=True)
        shutil.copyfile(schema, directory / "schemas" / "mapping.schema.json")
    config = directory / "nextadvance.yaml"
    config.write_text(
        "# Written by `nextadvance demo` for the local sandbox CRM.\n"
        f"state_url: sqlite:///{directory / 'state.db'}\n"
        "connections:\n"
        f"  - name: {CONNECTION}\n"
        f"    crm: {crm}\n"
        "    credentials: {file: credentials.json}\n"
        f"    base_url: {sb.base_url}\n"
        f"    ca_bundle: {sb.ca_path}\n"
        f"    mapping: {mapping.name}\n"
        "    schedule: '*/15 * * * *'\n",
        encoding="utf-8",
    )
    return config


def _sync(console: Console, config: Path, *, summary: bool = True) -> dict[str, Any]:
    from ..run._run import run_sync  # the run's modules load with the demo, not ``--help``
    from ._console import LiveProgress, print_summary

    settings = load_settings(config)
    if console.is_terminal:
        with LiveProgress(console) as live:
            report = run_sync(settings, CONNECTION, progress=live)
    else:
        report = run_sync(settings, CONNECTION)
    if summary:
        print_summary(console, report)
    return report.to_json()


def run_demo(
    *,
    crm: str,
    deals: int,
    seed: int,
    directory: Path | None,
    console: Console,
    invoke: Callable[[list[str]], int],
    keep_running: bool = False,
    stop: threading.Event | None = None,
) -> DemoResult:
    """Start the sandbox, sync, show the result, change a few deals, sync again, report.

    ``invoke`` runs one ``nextadvance`` command in-process (``setup``, ``report``) and returns
    its exit code; the caller passes the root command it was itself started from.
    """
    try:  # the sandbox is an extra (nextadvance[sandbox]); the demo cannot run without it
        from nextadvance.sandbox import Sandbox
    except ImportError as exc:
        raise sandbox_missing(exc, "demo") from exc
    directory = (
        Path(tempfile.mkdtemp(prefix="nextadvance-demo-")) if directory is None else directory
    )
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    console.rule(
        f"[bold]nextadvance demo[/] — {profile(crm).label} sandbox, {deals} invented deals"
    )
    sb = Sandbox(crm=crm, deals=deals, seed=seed, now=now, state_dir=directory / "sandbox")
    sb.start()
    try:
        result = DemoResult(crm, directory, sb.base_url, str(sb.ca_path))
        config = _write_files(sb, crm, directory)
        mapping = load_mapping(directory / f"{crm}-mapping.yaml")
        emulated = EMULATED[crm]
        mapped = set(mapping.pipelines) if mapping.pipelines else None
        console.print(
            f"1. Started a local {profile(crm).label} emulator at [bold]{sb.base_url}[/] "
            f"(TLS, CA {sb.ca_path}) and wrote config, mapping and state store to "
            f"[bold]{directory}[/]"
        )
        if emulated.fields_exist is None:
            console.print("2. Creating the write-back properties (`nextadvance setup --apply`):")
            card = str(Path(directory) / "hubspot-card")  # the coach card's project, to upload
            invoke(
                [
                    *("setup", "--connection", CONNECTION, "--config", str(config)),
                    *("--apply", "--out", card),
                ]
            )
        else:
            console.print(f"2. {emulated.fields_exist}")
        console.print("3. Full sync: pull every deal and activity, decide, write back.")
        result.full_run = _sync(console, config)
        view = rep_view(sb.snapshot(), crm, mapped)
        labels = emulated.stage_labels(sb) if emulated.stage_labels is not None else None
        show_rep_view(console, view, crm, 6, labels)
        if emulated.unmapped_pipelines_note:
            console.print(emulated.unmapped_pipelines_note)
        console.print("4. Run again right away: our own writes come back once as changes.")
        result.quiet_run = _sync(console, config, summary=False)
        quiet = result.quiet_run
        console.print(
            f"   read back {quiet['deals']['pulled']} deal(s) we had just written, recognised them "
            "as our own (no echo loop) and wrote "
            + (
                "nothing"
                if not quiet["api_calls"]["writes"]
                else f"{quiet['api_calls']['writes']} times"
            )
            + "; "
            f"{quiet['api_calls']['total']} API calls"
        )
        console.print(
            "5. Reps work a few deals (a meeting held, a stage moved, a next step edited)."
        )
        result.changed_by_reps = sorted(sb.mutate(5, seed + 1)["changed"][crm])
        console.print(f"   changed in the CRM: {', '.join(result.changed_by_reps)}")
        console.print("6. Incremental sync: only what changed is read and written.")
        result.incremental_run = _sync(console, config)
        after = rep_view(sb.snapshot(), crm, mapped)
        result.touched_by_us = touched(view, after)
        extra = sorted(set(result.touched_by_us) - set(result.changed_by_reps))
        console.print(
            f"   nextadvance touched {len(result.touched_by_us)} deal(s): "
            f"{', '.join(result.touched_by_us) or 'none'}"
            + (
                f" — [yellow]also {', '.join(extra)}[/]"
                if extra
                else " — all among the changed ones"
            )
        )
        report_path = directory / "report.html"
        console.print("7. Writing the HTML report (`nextadvance report`).")
        code = invoke(
            [
                "report",
                "--connection",
                CONNECTION,
                "--config",
                str(config),
                "--output",
                str(report_path),
            ]
        )
        if code == 0 and report_path.exists():
            result.report_path = str(report_path)
            console.print(f"   open [bold]{report_path}[/] in a browser")
        result.ready = True
        # Written whole then renamed: a script polling for "ready" never reads a half file.
        state_tmp = directory / "demo.json.tmp"
        state_tmp.write_text(json.dumps(result.to_json(), indent=2), encoding="utf-8")
        os.replace(state_tmp, directory / "demo.json")
        if keep_running:
            console.rule("sandbox still running — Ctrl-C to stop")
            console.print(
                "Try, in another terminal:\n"
                f"  nextadvance sync --config {config} --connection {CONNECTION} --dry-run\n"
                f"  nextadvance explain --config {config} --connection {CONNECTION} --deal "
                f"{next(iter(after), 'DEAL_ID')}\n"
                f"  nextadvance mappings preview --config {config} --connection {CONNECTION} "
                f"--deal {next(iter(after), 'DEAL_ID')}\n"
                f"  nextadvance runs --config {config}"
            )
            (stop or threading.Event()).wait()
        return result
    finally:
        sb.stop()
