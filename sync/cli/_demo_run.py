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
import ssl
import tempfile
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from nextadvance.connectors import profile
from nextadvance.mappings import default_mapping_path, load_mapping
from nextadvance.mappings._html import html_to_text

from ..config._settings import load_settings
from ._common import sandbox_missing

if TYPE_CHECKING:
    from nextadvance.sandbox import Sandbox

__all__ = ["EMULATED", "DemoResult", "EmulatedCrm", "rep_view", "run_demo"]

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


def rep_view(
    snapshot: dict[str, Any], crm: str, pipelines: set[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Per open deal, what a rep sees of our work in the CRM: our fields and open task.

    ``pipelines`` limits HubSpot deals to the pipelines the mapping maps (deals in other
    pipelines are not nextadvance's business until someone maps them).
    """
    return EMULATED[crm].view(snapshot[crm], pipelines)


def _salesforce_view(
    snap: dict[str, Any], _pipelines: set[str] | None
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for opp in snap["Opportunity"]:
        if opp.get("IsDeleted") or opp.get("IsClosed"):
            continue
        out[opp["Id"]] = {
            "name": opp.get("Name"),
            "stage": opp.get("StageName"),
            "next_step": opp.get("NextStep"),
            "fields": {k: v for k, v in opp.items() if k.startswith("NA_") and v is not None},
            "task": None,
        }
    for task in snap["Task"]:
        deal = out.get(task.get("WhatId") or "")
        if deal is None or not task.get("NA_Key__c") or task.get("IsDeleted"):
            continue
        if task.get("Status") != "Completed":
            deal["task"] = {
                "subject": task.get("Subject"),
                "body": task.get("Description"),
                "due": task.get("ActivityDate"),
            }
    return out


def _hubspot_view(snap: dict[str, Any], pipelines: set[str] | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for deal in snap["objects"]["deals"]:
        p = deal["properties"]
        if deal.get("archived") or p.get("dealstage") in ("closedwon", "closedlost"):
            continue
        if pipelines is not None and p.get("pipeline") not in pipelines:
            continue
        out[str(deal["id"])] = {
            "name": p.get("dealname"),
            "stage": p.get("dealstage"),
            "next_step": p.get("hs_next_step"),
            "fields": {k: v for k, v in p.items() if k.startswith("na_") and v not in (None, "")},
            "task": None,
        }
    task_deal = {
        str(a[1]): str(a[3]) for a in snap["associations"] if a[0] == "tasks" and a[2] == "deals"
    }
    for task in snap["objects"]["tasks"]:
        p = task["properties"]
        deal = out.get(task_deal.get(str(task["id"]), ""))
        if deal is None or not p.get("na_task_key") or task.get("archived"):
            continue
        if p.get("hs_task_status") != "COMPLETED":
            deal["task"] = {
                "subject": p.get("hs_task_subject"),
                # HubSpot renders the task notes' HTML: the rep reads its lines
                "body": html_to_text(p.get("hs_task_body") or "") or None,
                "due": p.get("hs_timestamp"),
            }
    return out


def _hubspot_stage_labels(sb: Sandbox) -> dict[str, str]:
    """The portal's deal stage labels by stage id, as HubSpot shows them to a rep
    (``GET /crm/v3/pipelines/deals`` on the sandbox, the call a real portal answers)."""
    ctx = ssl.create_default_context(cafile=str(sb.ca_path))
    token = sb.hubspot_credentials["access_token"]
    request = urllib.request.Request(
        f"{sb.base_url}/crm/v3/pipelines/deals", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, context=ctx, timeout=30) as answer:
        data = json.load(answer)
    return {
        str(stage["id"]): str(stage["label"])
        for pipeline in data.get("results", [])
        for stage in pipeline.get("stages", [])
    }


@dataclass(frozen=True)
class EmulatedCrm:
    """What the demo knows about one CRM the sandbox emulates (its data shapes, its steps).

    The sandbox speaks only the CRMs listed in :data:`EMULATED`; a CRM without an emulator
    has a connector profile but no demo.
    """

    credentials: Callable[[Sandbox], dict[str, str]]
    view: Callable[[dict[str, Any], set[str] | None], dict[str, dict[str, Any]]]
    #: None: the demo runs ``nextadvance setup --apply``; else why no setup is needed.
    fields_exist: str | None
    #: The sandbox has pipelines the stock mapping leaves alone (said after the first sync).
    unmapped_pipelines_note: str | None = None
    #: The CRM's stage labels by stage value, where a deal holds an id ("qualifiedtobuy")
    #: that the CRM shows a rep as a label ("Qualified To Buy"); None: the value is the label.
    stage_labels: Callable[[Sandbox], dict[str, str]] | None = None


EMULATED: dict[str, EmulatedCrm] = {
    "salesforce": EmulatedCrm(
        credentials=lambda sb: {"session_id": sb.salesforce_credentials["session_id"]},
        view=_salesforce_view,
        fields_exist="The Salesforce sandbox already has the NA_*__c custom fields.",
    ),
    "hubspot": EmulatedCrm(
        credentials=lambda sb: {"access_token": sb.hubspot_credentials["access_token"]},
        view=_hubspot_view,
        fields_exist=None,
        unmapped_pipelines_note=(
            "   (The sandbox portal also has a custom 'Expansion' pipeline that the stock "
            "mapping does not map, so its deals are left alone; `nextadvance mappings init` "
            "scaffolds a mapping that covers every pipeline.)"
        ),
        stage_labels=_hubspot_stage_labels,
    ),
}


def _touched(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[str]:
    """Deals whose fields or task we changed between two rep views."""
    return sorted(
        deal_id
        for deal_id, view in after.items()
        if deal_id not in before
        or (view["fields"], view["task"]) != (before[deal_id]["fields"], before[deal_id]["task"])
    )


def _show_rep_view(
    console: Console,
    view: dict[str, dict[str, Any]],
    crm: str,
    n: int,
    labels: dict[str, str] | None = None,
) -> None:
    with_task = [v for v in view.values() if v["task"]]
    table = Table(
        title=f"What a rep now sees in {profile(crm).label} (first {n} of {len(with_task)} open deals)"
    )
    table.add_column("deal")
    table.add_column("stage")
    table.add_column("rep's next step → verdict")
    table.add_column("suggested task")
    for v in with_task[:n]:
        verdict = next((str(x) for k, x in v["fields"].items() if "verdict" in k.lower()), "")
        table.add_row(
            escape(str(v["name"])),
            escape(str((labels or {}).get(str(v["stage"]), v["stage"]))),
            f"{escape(str(v['next_step'] or '(empty)'))}\n[bold]→ {escape(verdict)}[/]",
            escape(str(v["task"]["subject"])),
        )
    console.print(table)
    if with_task:
        first = with_task[0]
        fields = "\n".join(
            f"[cyan]{escape(k)}[/]: {escape(_shown(val))}"
            for k, val in sorted(first["fields"].items())
        )
        console.print(
            Panel(
                f"{escape(str(first['task']['body']))}\n\n[bold]Deal fields written[/]\n{fields}",
                title=escape(f"Task on '{first['name']}': {first['task']['subject']}"),
                title_align="left",
            )
        )


def _shown(value: object) -> str:
    """A field's value as the panel shows it: the coach card's JSON payload summarised."""
    text = str(value)
    if text.startswith('{"v":'):
        return f"coach card payload ({len(text):,} chars; the CRM card renders it)"
    return text


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
        _show_rep_view(console, view, crm, 6, labels)
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
        result.touched_by_us = _touched(view, after)
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
