"""What a rep sees of the demo's work, read from the sandbox's own snapshot of the CRM.

The demo proves its point by showing our fields and open task as the CRM holds them, not as
the run believes it wrote them; this module reads that view per emulated CRM and prints it.
Split from :mod:`._demo_run`, which drives the steps.
"""

from __future__ import annotations

import json
import ssl
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from nextadvance.connectors import profile
from nextadvance.mappings._html import html_to_text

if TYPE_CHECKING:
    from nextadvance.sandbox import Sandbox

__all__ = ["EMULATED", "EmulatedCrm", "rep_view", "show_rep_view", "touched"]


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


def touched(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[str]:
    """Deals whose fields or task we changed between two rep views."""
    return sorted(
        deal_id
        for deal_id, view in after.items()
        if deal_id not in before
        or (view["fields"], view["task"]) != (before[deal_id]["fields"], before[deal_id]["task"])
    )


def show_rep_view(
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
