"""The theoretical minimum of CRM API calls for one sync run, per CRM and scenario.

The formulas (also written out in benchmarks/README.md) take what *changed* in the CRM since
the previous run (our own write-back echoes included: the CRM cannot tell a client which
changes are its own) and what had to be written, and apply the CRM's page and batch limits.
A query always costs one call, even when nothing matches: that is how a client learns
"nothing changed".  ``changes`` diffs two sandbox snapshots to get the inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "HS_ENGAGEMENTS",
    "SF_ACTIVITIES",
    "Changed",
    "changes",
    "hubspot_minimum",
    "salesforce_minimum",
]

SOQL_PAGE = 2_000  # records per SOQL page (query / queryMore)
SF_BATCH = 200  # records per sObject Collections call
HS_LIST = 100  # records per HubSpot list page
HS_SEARCH = 200  # records per HubSpot search page
HS_BATCH = 100  # ids per HubSpot batch read / association read / batch write
HS_INLINE = 100  # rows of one inline association list before HubSpot cuts it off
HS_LABELS = 2  # v3 types + v4 labels: the names of custom labels in inline lists

DEAL_TO_CONTACT = 3  # the unlabelled deal->contact type; any other id is a label

SF_ACTIVITIES = ("Task", "Event")
HS_ENGAGEMENTS = ("calls", "meetings", "emails", "notes", "tasks")


def _ceil(n: int, size: int) -> int:
    return math.ceil(n / size) if n > 0 else 0


def _query(n: int, size: int) -> int:
    """Calls to page through ``n`` results: at least one (an empty answer is an answer)."""
    return max(1, _ceil(n, size))


@dataclass
class Changed:
    """Records changed since the previous run (everything for a full run), by object type.

    ``linked`` holds records a changed deal needs besides itself (Salesforce: its contact
    roles; HubSpot: its companies and contacts); ``archived`` the HubSpot records archived.
    HubSpot only: ``cut_off`` counts, per association read (``"deals.contacts"``), the
    records whose inline list exceeds 100 rows; ``labelled`` says deal-contact links carry
    custom labels (roles), whose inline names need the label definitions.
    """

    full: bool
    records: dict[str, int] = field(default_factory=dict)
    linked: dict[str, int] = field(default_factory=dict)
    archived: dict[str, int] = field(default_factory=dict)
    cut_off: dict[str, int] = field(default_factory=dict)
    labelled: bool = False


def salesforce_minimum(
    ch: Changed, field_updates: int, task_closes: int, task_upserts: int
) -> dict[str, int]:
    """Minimum reads and writes of a Salesforce run.

    Reads: one paged SOQL query per object (Opportunity, OpportunityContactRole, Task, Event),
    ``max(1, ceil(changed / 2000))`` each; an incremental run with changed deals also needs
    their whole contact-role lists: one semi-join query, ``ceil(roles / 2000)``.
    Writes: ``ceil((deal updates + task closes) / 200)`` PATCH collections (both are updates,
    mixed types allowed) + ``ceil(task upserts / 200)`` upserts by external id.
    """
    r = ch.records
    reads = sum(
        _query(r.get(o, 0), SOQL_PAGE)
        for o in ("Opportunity", "OpportunityContactRole", *SF_ACTIVITIES)
    )
    if not ch.full and r.get("Opportunity", 0):
        reads += _query(ch.linked.get("OpportunityContactRole", 0), SOQL_PAGE)
    writes = _ceil(field_updates + task_closes, SF_BATCH) + _ceil(task_upserts, SF_BATCH)
    return {"reads": reads, "writes": writes, "total": reads + writes}


def hubspot_minimum(
    ch: Changed, field_updates: int, task_closes: int, task_creates: int, task_updates: int
) -> dict[str, int]:
    """Minimum reads and writes of a HubSpot run.

    Full: per object type (deals + 5 engagement types) ``ceil(n / 100)`` list pages that
    carry the associations inline (deal->company and deal->contact for deals,
    engagement->deal otherwise); v4 association reads, ``ceil(cut / 100)``, only for the
    records whose inline list HubSpot cut off after 100 rows; the two label-definition
    reads when deal-contact links carry custom labels (inline lists name a label, they do
    not give it); plus ``ceil(companies / 100) + ceil(contacts / 100)`` batch reads of the
    linked companies and contacts.
    Incremental: per object type one search, ``max(1, ceil(changed / 200))``; v4 association
    reads of the changed records (``ceil(changed / 100)``: search answers carry no
    associations); batch reads of the changed
    deals' companies and contacts; one archived listing each for deals and tasks
    (``max(1, ceil(archived / 100))``: archiving does not touch the modified date).
    Writes: ``ceil(deal updates / 100)`` + ``ceil(task creates / 100)`` +
    ``ceil((task updates + closes) / 100)`` batch calls.
    """
    r = ch.records
    deals = r.get("deals", 0)
    if ch.full:
        reads = _query(deals, HS_LIST) + sum(_ceil(n, HS_BATCH) for n in ch.cut_off.values())
        reads += HS_LABELS if ch.labelled else 0
        for t in HS_ENGAGEMENTS:
            reads += _query(r.get(t, 0), HS_LIST)
    else:
        reads = _query(deals, HS_SEARCH) + 2 * _ceil(deals, HS_BATCH)
        for t in HS_ENGAGEMENTS:
            reads += _query(r.get(t, 0), HS_SEARCH) + _ceil(r.get(t, 0), HS_BATCH)
        reads += sum(_query(ch.archived.get(t, 0), HS_LIST) for t in ("deals", "tasks"))
    reads += _ceil(ch.linked.get("companies", 0), HS_BATCH)
    reads += _ceil(ch.linked.get("contacts", 0), HS_BATCH)
    writes = (
        _ceil(field_updates, HS_BATCH)
        + _ceil(task_creates, HS_BATCH)
        + _ceil(task_updates + task_closes, HS_BATCH)
    )
    return {"reads": reads, "writes": writes, "total": reads + writes}


# ------------------------------------------------------------------------ snapshot diff
def _stamps(rows: list[dict[str, Any]], key: str, stamp: str) -> dict[str, str]:
    return {str(r[key]): str(r.get(stamp)) for r in rows}


def _diff(before: dict[str, str] | None, after: dict[str, str]) -> set[str]:
    if before is None:
        return set(after)
    return {k for k, v in after.items() if before.get(k) != v}


def changes(crm: str, before: dict[str, Any] | None, after: dict[str, Any]) -> Changed:
    """What changed between two snapshots of one CRM (``before`` None: a full run)."""
    full = before is None
    if crm == "salesforce":
        return _sf_changes(before, after)
    return _hs_changes(before, after, full)


def _sf_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> Changed:
    ch = Changed(full=before is None)

    def linked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in rows if str(r.get("WhatId") or "").startswith("006")]

    objects = {
        "Opportunity": lambda s: s["Opportunity"],
        "OpportunityContactRole": lambda s: s["OpportunityContactRole"],
        "Task": lambda s: linked(s["Task"]),
        "Event": lambda s: linked(s["Event"]),
    }
    changed_opps: set[str] = set()
    for name, rows_of in objects.items():
        now = _stamps(rows_of(after), "Id", "SystemModstamp")
        old = None if before is None else _stamps(rows_of(before), "Id", "SystemModstamp")
        diff = _diff(old, now)
        ch.records[name] = len(diff)
        if name == "Opportunity":
            changed_opps = diff
    ch.linked["OpportunityContactRole"] = sum(
        1 for r in after["OpportunityContactRole"] if r["OpportunityId"] in changed_opps
    )
    return ch


def _hs_changes(before: dict[str, Any] | None, after: dict[str, Any], full: bool) -> Changed:
    ch = Changed(full=full)
    live = lambda s, t: [r for r in s["objects"][t] if not r.get("archived")]  # noqa: E731
    changed_deals: set[str] = set()
    for t in ("deals", *HS_ENGAGEMENTS):
        now = _stamps(live(after, t), "id", "updatedAt")
        old = None if before is None else _stamps(live(before, t), "id", "updatedAt")
        diff = _diff(old, now)
        ch.records[t] = len(diff)
        if t == "deals":
            changed_deals = diff
        if before is not None:
            was = {str(r["id"]) for r in before["objects"][t] if r.get("archived")}
            gone = {str(r["id"]) for r in after["objects"][t] if r.get("archived")}
            ch.archived[t] = len(gone - was)
    for to in ("companies", "contacts"):
        ch.linked[to] = len(
            {
                str(a[3])
                for a in after["associations"]
                if a[0] == "deals" and a[2] == to and str(a[1]) in changed_deals
            }
        )
    if full:
        _inline_needs(ch, after)
    return ch


def _inline_needs(ch: Changed, snap: dict[str, Any]) -> None:
    """What inline association lists leave to other reads: cut-off lists, label names."""
    wanted = {("deals", "companies"), ("deals", "contacts")}
    wanted |= {(t, "deals") for t in HS_ENGAGEMENTS}
    rows: dict[tuple[str, str, str], int] = {}
    for a in snap["associations"]:
        if (a[0], a[2]) in wanted:  # one inline row per link type
            key = (a[0], a[2], str(a[1]))
            rows[key] = rows.get(key, 0) + len(a[4])
        if a[0] == "deals" and a[2] == "contacts" and any(t != DEAL_TO_CONTACT for t in a[4]):
            ch.labelled = True
    for (frm, to, _), n in rows.items():
        if n > HS_INLINE:
            ch.cut_off[f"{frm}.{to}"] = ch.cut_off.get(f"{frm}.{to}", 0) + 1
