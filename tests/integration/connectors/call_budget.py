"""Measure API calls of a full and an incremental read against the theoretical minimum.

Run: ``python tests/integration/connectors/call_budget.py {salesforce|hubspot} [DEALS]``
(starts its own sandbox; 10,000 deals take about a minute per CRM).  Prints JSON.

Minimum given page/batch sizes (P = 2,000 SOQL records per page; B = 100 per HubSpot page or
batch):
  Salesforce full  = ceil(Opps/P) + ceil(ContactRoles/P) + ceil(Tasks/P) + ceil(Events/P)
  HubSpot full     = ceil(Deals/B) [list pages, company/contact associations inline]
                     + ceil(Companies/B) + ceil(Contacts/B)
                     + sum over engagement types t of ceil(N_t/B) [deal associations inline]
                     + 2 label-definition reads when deal-contact links carry custom labels
                     (no list here exceeds HubSpot's 100-row inline cut-off)
  Incremental, no change: one query/search per object type (Salesforce 4; HubSpot 6 + 2
  archived listings for deals and tasks, since archiving does not bump the modified date).
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import make_connector

from nextadvance.sandbox import Sandbox


def minimum(crm: str, snap: dict[str, Any]) -> tuple[int, dict[str, int]]:
    """The theoretical minimum of a full read and the record counts it is based on."""
    if crm == "salesforce":
        d = snap["salesforce"]
        linked = lambda rows: sum(1 for r in rows if str(r.get("WhatId") or "").startswith("006"))  # noqa: E731
        counts = {
            "opportunities": len(d["Opportunity"]),
            "contact_roles": len(d["OpportunityContactRole"]),
            "tasks": linked(d["Task"]),
            "events": linked(d["Event"]),
        }
        return sum(math.ceil(v / 2000) for v in counts.values()), counts
    objects, assoc = snap["hubspot"]["objects"], snap["hubspot"]["associations"]
    companies = {a[3] for a in assoc if a[0] == "deals" and a[2] == "companies"}
    contacts = {a[3] for a in assoc if a[0] == "deals" and a[2] == "contacts"}
    types = ["calls", "meetings", "emails", "notes", "tasks"]
    counts = {
        "deals": len(objects["deals"]),
        "companies": len(companies),
        "contacts": len(contacts),
    }
    counts.update({t: len(objects[t]) for t in types})
    total = math.ceil(counts["deals"] / 100)
    total += math.ceil(len(companies) / 100) + math.ceil(len(contacts) / 100)
    total += sum(math.ceil(counts[t] / 100) for t in types)
    labelled = any(a[0] == "deals" and a[2] == "contacts" and a[4] != [3] for a in assoc)
    total += 2 if labelled else 0
    return total, counts


def measure(crm: str, deals: int) -> dict[str, Any]:
    """Full read, no-change incremental read and a 100-change incremental read."""
    with Sandbox(crm=crm, deals=deals, seed=7) as sb:
        low, counts = minimum(crm, sb.snapshot())
        conn = make_connector(sb, crm)
        started = time.monotonic()
        cursor: Any = None
        for batch in conn.pull(None):
            cursor = batch.cursor
        full = conn.calls.snapshot()
        full_s = time.monotonic() - started
        before = conn.calls.total
        for batch in conn.pull(cursor):
            cursor = batch.cursor
        no_change = conn.calls.total - before
        sb.mutate(100, seed=5)
        before = conn.calls.total
        for batch in conn.pull(cursor):
            cursor = batch.cursor
        changed = conn.calls.total - before
        conn.close()
    return {
        "crm": crm,
        "deals": deals,
        "records": counts,
        "full_calls": full["total"],
        "full_minimum": low,
        "full_over_minimum": round(full["total"] / low - 1, 4),
        "full_by_endpoint": full["by_endpoint"],
        "full_seconds": round(full_s, 1),
        "incremental_no_change_calls": no_change,
        "incremental_100_changed_calls": changed,
    }


if __name__ == "__main__":
    print(
        json.dumps(
            measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10_000), indent=1
        )
    )
