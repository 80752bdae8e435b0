"""A messy org: the shapes real CRMs accumulate, layered on a generated stock world.

Why a pass of its own: the stock world feeds cassettes, golden files and benchmark
baselines, so it must not change; ``messify`` only rewrites a world that was asked to be
messy, from its own random stream (``"<seed>:messy"``), so the same seed gives the same mess.

What it adds (docs/connectors.md, "Messy orgs", says how each is handled):

- deals in further pipelines (:data:`MESSY_PIPELINES`: renewals, a partner channel);
- a deactivated owner who still owns deals (``World.inactive_owners``);
- reps in many time zones, and meetings booked at local morning hours in theirs (so the
  UTC date differs from the rep's date);
- activity bodies written as HTML (``World.html_bodies``), entities and lists included;
- very long text: a note body near HubSpot's 65,536-character limit, a long description;
- engagements linked to several deals (``World.shared_activities``);
- one deal with thousands of activities.
"""

from __future__ import annotations

import random
from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from ._world import MESSY_PIPELINES, NEUTRAL_OPEN_STAGES, WActivity, WDeal, World

__all__ = ["BUSY_DEAL_ACTIVITIES", "LONG_NOTE_CHARS", "messify"]

#: activities added to the one very busy deal
BUSY_DEAL_ACTIVITIES = 2500
#: the length of the longest note body (HubSpot's limit for hs_note_body is 65,536)
LONG_NOTE_CHARS = 60_000
_ZONES = (
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Europe/Berlin",
    "Pacific/Auckland",
    "America/Los_Angeles",
)
_EARLY_ZONES = {"Australia/Sydney", "Pacific/Auckland", "Asia/Kolkata"}


def messify(world: World) -> World:
    """Turn a freshly generated stock ``world`` into a messy one (in place; returned)."""
    r = random.Random(f"{world.seed}:messy")
    world.org = "messy"
    _owners(world)
    _pipelines(world, r)
    _html(world, r)
    _long_text(world)
    _meeting_zones(world)
    _shared(world, r)
    _busy_deal(world, r)
    return world


def _owners(world: World) -> None:
    for i, owner in enumerate(world.owners):
        if i % 2 == 1:
            owner.timezone = _ZONES[(i // 2) % len(_ZONES)]
    if len(world.owners) > 1:
        world.inactive_owners = [world.owners[1].key]  # left the company; deals not reassigned


def _pipelines(world: World, r: random.Random) -> None:
    for deal in world.deals:
        roll = r.random()
        if deal.pipeline == "default" and roll < 0.18:
            deal.pipeline = MESSY_PIPELINES[0]
        elif deal.pipeline == "default" and roll < 0.28:
            deal.pipeline = MESSY_PIPELINES[1]


def _as_html(text: str, r: random.Random) -> str:
    """The way a CRM's rich-text editor stores a note: paragraphs, bold, a list, entities."""
    sentences = [s.strip() for s in text.replace("Next step:", "\nNext step:").split(". ") if s]
    if not sentences:
        return text
    head, rest = sentences[0], sentences[1:]
    parts = [f'<div style="font-family: Arial"><p><strong>{escape(head)}</strong></p>']
    if rest and r.random() < 0.5:
        items = "".join(f"<li>{escape(s)}</li>" for s in rest)
        parts.append(f"<ul>{items}</ul>")
    elif rest:
        parts.append("<p>" + "<br>".join(escape(s) for s in rest) + "</p>")
    parts.append("<p>&nbsp;</p></div>")
    return "".join(parts)


def _html(world: World, r: random.Random) -> None:
    for act in world.activities:
        if act.kind in ("note", "meeting", "call") and act.body and r.random() < 0.6:
            act.body = _as_html(act.body, r)
            world.html_bodies.add(act.key)


def _long_text(world: World) -> None:
    notes = [a for a in world.activities if a.kind == "note"]
    if notes:
        note = notes[0]
        para = (
            "<p>Meeting minutes, continued: the buying group went through the rollout plan "
            "line by line &amp; asked for the security documents again.</p>"
        )
        body = note.body + para * (LONG_NOTE_CHARS // len(para))
        note.body = body[: LONG_NOTE_CHARS - 6].rsplit("<p>", 1)[0] + "<p>end</p>"
        world.html_bodies.add(note.key)
    if world.deals:
        deal = world.deals[0]
        deal.description = ("Background: " + "a long-running evaluation across regions. " * 120)[
            :5000
        ]


def _meeting_zones(world: World) -> None:
    zone_of = {o.key: o.timezone for o in world.owners}
    for act in world.activities:
        if act.kind != "meeting":
            continue
        zone = ZoneInfo(zone_of.get(act.owner_key, "UTC"))
        local = act.at.astimezone(zone)
        if zone.key in _EARLY_ZONES and act.outcome != "scheduled":
            local = local.replace(hour=8, minute=30, second=0, microsecond=0)
        act.at = local  # aware, in the rep's zone: the instant a CRM stores is UTC


def _shared(world: World, r: random.Random) -> None:
    by_company: dict[str, list[WDeal]] = {}
    for deal in world.deals:
        by_company.setdefault(deal.company_key, []).append(deal)
    deal_of = {d.key: d for d in world.deals}
    candidates = [a for a in world.activities if a.kind in ("meeting", "note", "call")]
    for act in candidates[:: max(1, len(candidates) // 12)][:12]:
        deal = deal_of[act.deal_key]
        siblings = [d.key for d in by_company[deal.company_key] if d.key != deal.key]
        if not siblings:
            siblings = [world.deals[r.randrange(len(world.deals))].key]
            siblings = [k for k in siblings if k != deal.key]
        if siblings:
            world.shared_activities[act.key] = siblings[:2]


def _busy_deal(world: World, r: random.Random) -> None:
    busy = next(
        (d for d in world.deals if d.pipeline == "default" and d.stage_index < NEUTRAL_OPEN_STAGES),
        None,
    )
    if busy is None:
        return
    start = busy.created_at
    span = max(60.0, (world.now - start).total_seconds() - 3600)
    base = len(world.activities)
    stamps = sorted(
        start + timedelta(seconds=r.random() * span) for _ in range(BUSY_DEAL_ACTIVITIES)
    )
    for n, at in enumerate(stamps):
        kind = "email" if n % 3 else "note"
        body = (
            f"Automated sequence step {n + 1}: reminder about the renewal paperwork."
            if kind == "email"
            else f"Logged touch {n + 1}: checked in on the open items."
        )
        world.activities.append(
            WActivity(
                f"ac{base + n:08d}",
                busy.key,
                kind,
                at,
                f"Touch {n + 1} on {busy.name}" if kind == "email" else "Note",
                body,
                "completed",
                busy.owner_key,
                [],
                "outbound" if kind == "email" else None,
            )
        )
    busy.modified_at = max(busy.modified_at, stamps[-1] if stamps else start)
