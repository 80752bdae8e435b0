"""Projection of the neutral generated :class:`World` into HubSpot objects, and ``mutate``.

Choices (documented in docs/sandbox.md): deal stages follow ``stage_index`` on the deal's
pipeline (``default`` or the custom expansion pipeline); contact roles on a deal become
deal->contact association labels (USER_DEFINED, see ``ROLE_LABEL_TYPES``); meeting outcomes
become ``hs_meeting_outcome`` (past meetings with an unknown outcome get none); call
dispositions become HubSpot's outcome GUIDs.  World fields with no HubSpot default property
(budget confirmed, decision date, pain) are not loaded: a portal has no such property until
someone creates it.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .._world import World
from . import _messy as messy
from ._catalog import CALL_DISPOSITIONS, DEFAULT_ASSOC, PIPELINES, ROLE_LABEL_TYPES, STAGES
from ._crm import Owner, Portal
from ._schema import OBJECT_TYPES
from ._store import now_ms

__all__ = ["load_world", "mutate"]

_PIPELINE_IDS = {"default": "default", "expansion": "7654321"}
_MEETING_OUTCOMES = {
    "completed": "COMPLETED",
    "no_show": "NO_SHOW",
    "canceled": "CANCELED",
    "rescheduled": "RESCHEDULED",
    "scheduled": "SCHEDULED",
}


def _ms(dt: datetime) -> int:
    return int((dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp() * 1000)


def _day(d: date) -> str:
    return str(_ms(datetime(d.year, d.month, d.day, tzinfo=UTC)))


def load_world(portal: Portal, world: World) -> None:
    """Fill an empty portal from the world, in the world's deterministic order."""
    messy.prepare(portal, world)
    base_ms = _ms(world.now - timedelta(days=730))
    for i, o in enumerate(world.owners):
        portal.owners.append(
            Owner(str(70_000_001 + i), 9_000_001 + i, o.email, o.first_name, o.last_name, base_ms)
        )
    owner_id = {o.key: portal.owners[i].id for i, o in enumerate(world.owners)}
    T = OBJECT_TYPES
    industries = portal.props["companies"]["industry"]
    seen = {v for v, _ in industries.options}
    ids: dict[str, int] = {}
    for i, c in enumerate(world.companies):
        value = c.industry.upper().replace(" ", "_").replace("&", "AND")
        if value not in seen:
            seen.add(value)
            industries.options.append((value, c.industry))
        props: dict[str, str | None] = {
            "name": c.name,
            "domain": c.domain,
            "industry": value,
            "numberofemployees": str(c.employees),
            "hubspot_owner_id": owner_id.get(c.owner_key),
        }
        ids[c.key] = portal.create(T["companies"], props, base_ms + i * 1000, bulk=True).id
    for i, ct in enumerate(world.contacts):
        props = {
            "firstname": ct.first_name,
            "lastname": ct.last_name,
            "email": ct.email,
            "jobtitle": ct.title,
        }
        rec = portal.create(T["contacts"], props, base_ms + i * 1000, bulk=True)
        ids[ct.key] = rec.id
        company = ids.get(ct.company_key)
        if company is not None:
            portal.assoc.add("contacts", rec.id, "companies", company, 279)
            portal.assoc.add("contacts", rec.id, "companies", company, 1)
    for n, d in enumerate(world.deals):
        pipeline = _PIPELINE_IDS.get(d.pipeline) or messy.PIPELINE_IDS.get(d.pipeline, "default")
        stages = portal.pipelines[pipeline][1]
        stage = stages[max(0, min(d.stage_index, len(stages) - 1))]
        props = {
            "dealname": d.name,
            "amount": f"{d.amount:g}",
            "pipeline": pipeline,
            "dealstage": stage.id,
            "closedate": _day(d.close_date),
            "hubspot_owner_id": owner_id.get(d.owner_key),
            "hs_next_step": d.next_step,
            "description": d.description,
            "dealtype": "existingbusiness" if d.pipeline == "expansion" else "newbusiness",
            **messy.custom_values(world, d, n),
        }
        rec = portal.create(
            T["deals"],
            {k: v for k, v in props.items() if v is not None},
            _ms(d.created_at),
            bulk=True,
        )
        rec.updated_ms = _ms(d.modified_at)
        ids[d.key] = rec.id
        company = ids.get(d.company_key)
        if company is not None:
            portal.assoc.add("deals", rec.id, "companies", company, 341)
            portal.assoc.add("deals", rec.id, "companies", company, 5)
        for contact_key, role in d.roles.items():
            cid = ids.get(contact_key)
            if cid is None:
                continue
            portal.assoc.add("deals", rec.id, "contacts", cid, 3)
            if role in ROLE_LABEL_TYPES:
                portal.assoc.add("deals", rec.id, "contacts", cid, ROLE_LABEL_TYPES[role][0])
    now = _ms(world.now)
    for a in world.activities:
        t = OBJECT_TYPES.get(a.kind + "s")
        if t is None:
            continue
        at = _ms(a.at)
        props = _activity_props(a, at)
        props["hubspot_owner_id"] = owner_id.get(a.owner_key)
        stamp = min(at, now)
        rec = portal.create(t, {k: v for k, v in props.items() if v is not None}, stamp, bulk=True)
        if a.key in world.shared_activities:
            ids[a.key] = rec.id
        deal = ids.get(a.deal_key)
        if deal is not None:
            portal.assoc.add(t.name, rec.id, "deals", deal, _default(t.name, "deals"))
        for ck in a.contact_keys:
            cid = ids.get(ck)
            if cid is not None:
                portal.assoc.add(t.name, rec.id, "contacts", cid, _default(t.name, "contacts"))
    messy.finish(portal, world, ids)
    for store in portal.stores.values():
        store.finish_bulk()


def _default(from_type: str, to_type: str) -> int:
    return DEFAULT_ASSOC[(from_type, to_type)]


def _activity_props(a: Any, at: int) -> dict[str, str | None]:
    when = str(at)  # datetimes are stored as epoch-ms digits
    if a.kind == "call":
        disp = CALL_DISPOSITIONS.get(a.call_disposition or "")
        return {
            "hs_timestamp": when,
            "hs_call_title": a.subject,
            "hs_call_body": a.body,
            "hs_call_direction": "INBOUND" if a.direction == "inbound" else "OUTBOUND",
            "hs_call_status": "COMPLETED",
            "hs_call_disposition": disp[0] if disp else None,
            "hs_call_duration": str((a.duration_minutes or 0) * 60_000),
        }
    if a.kind == "meeting":
        minutes = a.duration_minutes or 30
        return {
            "hs_timestamp": when,
            "hs_meeting_title": a.subject,
            "hs_meeting_body": a.body or None,
            "hs_meeting_start_time": when,
            "hs_meeting_end_time": str(at + minutes * 60_000),
            "hs_meeting_outcome": _MEETING_OUTCOMES.get(a.outcome),
        }
    if a.kind == "email":
        return {
            "hs_timestamp": when,
            "hs_email_subject": a.subject,
            "hs_email_text": a.body,
            "hs_email_direction": "INCOMING_EMAIL" if a.direction == "inbound" else "EMAIL",
            "hs_email_status": "SENT",
        }
    if a.kind == "task":
        done = (a.task_status or a.outcome) == "completed"
        return {
            "hs_timestamp": when,
            "hs_task_subject": a.subject,
            "hs_task_body": a.body or None,
            "hs_task_status": "COMPLETED" if done else "NOT_STARTED",
            "hs_task_type": "TODO",
            "hs_task_priority": "MEDIUM",
        }
    return {"hs_timestamp": when, "hs_note_body": a.body}


def mutate(portal: Portal, count: int, seed: int) -> list[str]:
    """Work ``count`` open deals as reps would: log a completed meeting, move the stage one
    step forward, rewrite the next step.  Returns the changed deal ids."""
    r = random.Random(f"hubspot-mutate:{seed}")
    deals = portal.stores["deals"]
    T = OBJECT_TYPES
    with portal.lock:
        open_ids = [
            rid
            for rid in deals.active_ids
            if not portal.stages.get(
                deals.value(deals.records[rid], "dealstage") or "", STAGES["closedwon"]
            ).closed
        ]
        chosen = sorted(r.sample(open_ids, min(count, len(open_ids))))
        now = now_ms()
        for rid in chosen:
            rec = deals.records[rid]
            meeting = portal.create(
                T["meetings"],
                {
                    "hs_timestamp": str(now - 3_600_000),
                    "hs_meeting_title": "Follow-up meeting",
                    "hs_meeting_body": "Walked through the proposal with the buying group.",
                    "hs_meeting_start_time": str(now - 3_600_000),
                    "hs_meeting_end_time": str(now - 1_800_000),
                    "hs_meeting_outcome": "COMPLETED",
                    "hubspot_owner_id": deals.value(rec, "hubspot_owner_id"),
                },
            )
            portal.assoc.add("meetings", meeting.id, "deals", rid, 212)
            for cid in list(portal.assoc.targets("deals", rid, "contacts"))[:1]:
                portal.assoc.add("meetings", meeting.id, "contacts", cid, 200)
            pipeline = deals.value(rec, "pipeline") or "default"
            stages = portal.pipelines.get(pipeline, PIPELINES["default"])[1]
            ids = [s.id for s in stages]
            current = deals.value(rec, "dealstage") or ids[0]
            pos = ids.index(current) if current in ids else 0
            changes: dict[str, str | None] = {
                "hs_next_step": r.choice(
                    (
                        "Send the security questionnaire by Friday",
                        "Follow up next week",
                        "Customer to book a call with their CFO",
                    )
                )
            }
            if pos + 1 < len(ids) and not stages[pos + 1].closed:
                changes["dealstage"] = ids[pos + 1]
            portal.update(T["deals"], rec, changes)
    return [str(rid) for rid in chosen]
