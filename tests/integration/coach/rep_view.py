"""What a rep sees after a sync, read from the sandbox snapshot, and the figures issue 17 asks for.

Per open deal: the suggested task (subject, body, due, priority), the deal fields we write
(next advance, verdict) and the names of the deal's real contacts.  ``measure`` turns that
into the counts the coaching test asserts and the docs report.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from nextadvance.mappings._html import html_to_text

SF_OUT = {"advance": "NA_Next_Advance__c", "verdict": "NA_Next_Step_Verdict__c"}
HS_OUT = {"advance": "na_next_advance", "verdict": "na_next_step_verdict"}

#: snake_case identifiers (two or more lowercase words joined by "_") and the engine's codes
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
_CODES = re.compile(
    r"\b(?:seller_action|unrealistic_for_stage|closed_won|closed_lost)\b"
    r"|^(?:advance|vague|empty)\b\s*:",
    re.MULTILINE,
)
#: "Aim for ..." / "At least ..." lines the task body carries for the two advances
_AIM = re.compile(r"^(?:Aim for|Aim|Stretch)\s*:?\s*(.+)$", re.MULTILINE | re.IGNORECASE)
_LEAST = re.compile(r"^(?:At least|Fallback|Else)\s*:?\s*(.+)$", re.MULTILINE | re.IGNORECASE)


@dataclass
class DealView:
    """One open deal as the rep sees it."""

    deal_id: str
    stage: str
    contacts: list[str] = field(default_factory=list)
    subject: str = ""
    body: str = ""
    due: str = ""
    priority: str = ""
    advance: str = ""
    verdict: str = ""
    tasks: int = 0

    @property
    def visible(self) -> list[str]:
        return [self.subject, self.body, self.advance, self.verdict]


def _sf(snap: dict[str, Any]) -> list[DealView]:
    names = {c["Id"]: c.get("Name") or "" for c in snap["Contact"] if not c.get("IsDeleted")}
    roles: dict[str, list[str]] = {}
    for r in snap["OpportunityContactRole"]:
        if not r.get("IsDeleted") and r["ContactId"] in names:
            roles.setdefault(r["OpportunityId"], []).append(names[r["ContactId"]])
    views: dict[str, DealView] = {}
    for o in snap["Opportunity"]:
        if o.get("IsDeleted") or o.get("IsClosed"):
            continue
        views[o["Id"]] = DealView(
            o["Id"],
            o.get("StageName") or "",
            contacts=roles.get(o["Id"], []),
            advance=o.get(SF_OUT["advance"]) or "",
            verdict=o.get(SF_OUT["verdict"]) or "",
        )
    for t in snap["Task"]:
        v = views.get(t.get("WhatId") or "")
        if v is None or not t.get("NA_Key__c") or t.get("IsDeleted"):
            continue
        if t.get("Status") == "Completed":
            continue
        v.tasks += 1
        v.subject, v.body = t.get("Subject") or "", t.get("Description") or ""
        v.due, v.priority = t.get("ActivityDate") or "", t.get("Priority") or ""
    return list(views.values())


def _hs(snap: dict[str, Any]) -> list[DealView]:
    objs = snap["objects"]
    names = {}
    for c in objs["contacts"]:
        p = c["properties"]
        names[str(c["id"])] = f"{p.get('firstname') or ''} {p.get('lastname') or ''}".strip()
    deal_contacts: dict[str, list[str]] = {}
    task_deal: dict[str, str] = {}
    for a in snap["associations"]:
        if a[0] == "deals" and a[2] == "contacts" and str(a[3]) in names:
            deal_contacts.setdefault(str(a[1]), []).append(names[str(a[3])])
        elif a[0] == "contacts" and a[2] == "deals" and str(a[1]) in names:
            deal_contacts.setdefault(str(a[3]), []).append(names[str(a[1])])
        elif a[0] == "tasks" and a[2] == "deals":
            task_deal[str(a[1])] = str(a[3])
    views: dict[str, DealView] = {}
    for d in objs["deals"]:
        p = d["properties"]
        if d.get("archived") or p.get("dealstage") in ("closedwon", "closedlost"):
            continue
        did = str(d["id"])
        views[did] = DealView(
            did,
            p.get("dealstage") or "",
            contacts=sorted(set(deal_contacts.get(did, []))),
            advance=p.get(HS_OUT["advance"]) or "",
            verdict=p.get(HS_OUT["verdict"]) or "",
        )
    for t in objs["tasks"]:
        p = t["properties"]
        v = views.get(task_deal.get(str(t["id"]), ""))
        if v is None or not p.get("na_task_key") or t.get("archived"):
            continue
        if p.get("hs_task_status") == "COMPLETED":
            continue
        v.tasks += 1
        # HubSpot holds the task notes as HTML: the rep reads its lines
        v.subject, v.body = (
            p.get("hs_task_subject") or "",
            html_to_text(p.get("hs_task_body") or ""),
        )
        v.due, v.priority = str(p.get("hs_timestamp") or ""), p.get("hs_task_priority") or ""
    return list(views.values())


def rep_view(snapshot: dict[str, Any], crm: str) -> list[DealView]:
    """Every open deal of ``crm`` in the sandbox snapshot, as its rep sees it."""
    snap = snapshot[crm]
    return _sf(snap) if crm == "salesforce" else _hs(snap)


def _names_contact(v: DealView) -> bool:
    text = f"{v.subject}\n{v.body}"
    for full in v.contacts:
        first = full.split()[0] if full.split() else ""
        if full and (full in text or (first and re.search(rf"\b{re.escape(first)}\b", text))):
            return True
    return False


_MARKER = re.compile(r"^(?:[-*\u2022]|\d+[.)]|[A-Za-z ]{2,20}:)\s*")


def _repeated_lines(body: str) -> int:
    """Lines that say again what another line says (list markers and labels ignored)."""
    lines = [_MARKER.sub("", ln.strip()).strip(" .\"'").casefold() for ln in body.splitlines()]
    lines = [ln for ln in lines if len(ln) >= 12]
    return sum(
        1
        for i, ln in enumerate(lines)
        if any(ln in other for j, other in enumerate(lines) if j < i or (j > i and ln != other))
    )


def _stretch_conservative(v: DealView) -> tuple[str, str]:
    aim, least = _AIM.search(v.body), _LEAST.search(v.body)
    if v.advance.startswith("Aim: ") and ". At least: " in v.advance:
        head, _, tail = v.advance[5:].partition(". At least: ")
        return head.strip(), tail.strip()
    if v.advance.startswith("Aim: "):  # the field names the Aim; the task says the At least
        return v.advance[5:].strip(), (least.group(1).strip() if least else "")
    if not aim and v.advance:  # the pre-issue-17 field: "stretch (fallback: conservative)"
        head, _, tail = v.advance.partition(" (fallback: ")
        return head.strip(), (tail.rstrip(")").strip() or head.strip())
    return (aim.group(1).strip() if aim else ""), (least.group(1).strip() if least else "")


_SELF = re.compile(r"\b(?:you and you|bring you|end of today)\b", re.IGNORECASE)


def clumsy(text: str, contacts: list[str]) -> list[str]:
    """Sentences of ``text`` a sales manager would strike: a doubled word, one contact's
    first name twice ("Bruno brings Bruno"), "you and you", "today" twice."""
    firsts = {full.split()[0] for full in contacts if full.split()}
    out = []
    for sentence in re.split(r"(?<=[.?!])\s+|\n", text):
        words = re.findall(r"[A-Za-z']+", sentence)
        if (
            any(a.casefold() == b.casefold() for a, b in pairwise(words))
            or any(words.count(n) > 1 for n in firsts)
            or _SELF.search(sentence)
            or len(re.findall(r"\btoday\b", sentence, re.IGNORECASE)) > 1
        ):
            out.append(sentence)
    return out


def internal_codes(text: str) -> list[str]:
    """Internal identifiers in ``text``: snake_case ids and the engine's verdict codes."""
    return _SNAKE.findall(text) + [m.group(0) for m in _CODES.finditer(text)]


def measure(views: list[DealView]) -> dict[str, Any]:
    """The issue-17 figures over the open deals of one CRM."""
    with_task = [v for v in views if v.tasks]
    with_contacts = [v for v in with_task if v.contacts]
    words = [len(v.body.split()) for v in with_task]
    pairs = [_stretch_conservative(v) for v in with_task]
    codes = [(v.deal_id, c) for v in views for t in v.visible for c in internal_codes(t)]
    struck = [s for v in views for t in v.visible for s in clumsy(t, v.contacts)]
    return {
        "open_deals": len(views),
        "tasks": len(with_task),
        "one_task_each": sum(1 for v in views if v.tasks == 1),
        "stretch_differs": sum(1 for s, c in pairs if s and c and s != c),
        "deals_with_contacts": len(with_contacts),
        "tasks_naming_contact": sum(1 for v in with_contacts if _names_contact(v)),
        "body_words_median": statistics.median(words) if words else 0,
        "body_words_max": max(words) if words else 0,
        "repeated_lines": sum(_repeated_lines(v.body) for v in with_task),
        "internal_codes": len(codes),
        "internal_code_examples": sorted({c for _, c in codes})[:10],
        "clumsy_sentences": len(struck),
        "clumsy_examples": sorted(set(struck))[:5],
        "distinct_subjects": len({v.subject for v in with_task}),
        "distinct_due_dates": len({v.due[:10] for v in with_task}),
        "distinct_priorities": len({v.priority for v in with_task}),
    }
