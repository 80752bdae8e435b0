"""A rep's edits are sacred: every part of our task and every deal field a person changed is
kept, field by field, even when our template changes, the deal changes stage, or the state
store is lost.  Everything runs ``nextadvance sync`` against the sandbox and reads the CRM back.

Each test runs once per CRM by default; ``NA_REL_TRIALS=N`` repeats it on N seeded sandboxes
(different deals, owners, priorities and stages) for a longer measurement.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nextadvance.mappings._html import html_to_text
from nextadvance.sync.run._plan import norm

CRMS = ("salesforce", "hubspot")
SEEDS = [11 + i for i in range(int(os.environ.get("NA_REL_TRIALS", "1")))]
#: neutral task part -> CRM field, per CRM (the shipped mappings)
TASK_FIELDS = {
    "salesforce": {
        "subject": "Subject",
        "body": "Description",
        "due": "ActivityDate",
        "priority": "Priority",
        "owner": "OwnerId",
        "status": "Status",
    },
    "hubspot": {
        "subject": "hs_task_subject",
        "body": "hs_task_body",
        "due": "hs_timestamp",
        "priority": "hs_task_priority",
        "owner": "hubspot_owner_id",
        "status": "hs_task_status",
    },
}
IN_PROGRESS = {"salesforce": "In Progress", "hubspot": "IN_PROGRESS"}
#: The edit scenarios: which parts a rep changes on one task (status: set to in progress).
SCENARIOS: tuple[tuple[str, ...], ...] = (
    ("subject",),
    ("body",),
    ("due",),
    ("priority",),
    ("owner",),
    ("status",),
    ("body", "due"),
    ("priority", "owner"),
    ("due", "status"),
    ("subject", "body", "due", "priority", "owner"),
)


def tasks_of(world: Any) -> dict[str, dict[str, Any]]:
    """Our tasks in the CRM by id: deal, key and every part in neutral terms."""
    snap = world.sb.snapshot()[world.crm]
    names = TASK_FIELDS[world.crm]
    out: dict[str, dict[str, Any]] = {}
    if world.crm == "salesforce":
        for t in snap["Task"]:
            if t.get("NA_Key__c") and not t.get("IsDeleted"):
                out[t["Id"]] = {"deal": t["WhatId"], "key": t["NA_Key__c"]} | {
                    part: t.get(f) for part, f in names.items()
                }
        return out
    links = {
        str(a[1]): str(a[3]) for a in snap["associations"] if a[0] == "tasks" and a[2] == "deals"
    }
    for t in snap["objects"]["tasks"]:
        p = t["properties"]
        if p.get("na_task_key") and not t.get("archived"):
            out[str(t["id"])] = {"deal": links.get(str(t["id"])), "key": p["na_task_key"]} | {
                part: p.get(f) for part, f in names.items()
            }
            if p.get(names["body"]):  # HubSpot holds the task notes as HTML: the rep reads lines
                out[str(t["id"])]["body"] = html_to_text(p[names["body"]])
    return out


def owners(world: Any) -> list[str]:
    """Owner ids of the org's deals (a rep reassigns a task to one of them)."""
    snap = world.sb.snapshot()[world.crm]
    if world.crm == "salesforce":
        return sorted({o["OwnerId"] for o in snap["Opportunity"] if o.get("OwnerId")})
    return sorted(
        {
            str(d["properties"]["hubspot_owner_id"])
            for d in snap["objects"]["deals"]
            if d["properties"].get("hubspot_owner_id")
        }
    )


def rep_values(world: Any, task: dict[str, Any], parts: tuple[str, ...]) -> dict[str, Any]:
    """What a rep types into each part (neutral part -> CRM value)."""
    crm = world.crm
    prio = str(task["priority"] or "").casefold()
    values = {
        "subject": "Rep: call Dana on Friday about the site visit",
        "body": "Rep notes: bring the pricing sheet, Dana wants the rollout plan.",
        "due": "2027-01-15" if crm == "salesforce" else "2027-01-15T00:00:00.000Z",
        "priority": ("Low" if prio == "high" else "High")
        if crm == "salesforce"
        else ("LOW" if prio == "high" else "HIGH"),
        "owner": next(o for o in owners(world) if o != str(task["owner"])),
        "status": IN_PROGRESS[crm],
    }
    return {p: values[p] for p in parts}


def edit_task(world: Any, task_id: str, values: dict[str, Any]) -> None:
    """A rep edits parts of one of our tasks in the CRM's UI (through the API)."""
    names = TASK_FIELDS[world.crm]
    body = {names[p]: v for p, v in values.items()}
    if world.crm == "salesforce":
        url = f"{world.sb.base_url}/services/data/v59.0/sobjects/Task/{task_id}"
        r = world.http().patch(url, json=body)
    else:
        url = f"{world.sb.base_url}/crm/v3/objects/tasks/{task_id}"
        r = world.http().patch(url, json={"properties": body})
    assert r.status_code < 300, r.text


def revise_template(world: Any, tmp: Path) -> None:
    """Ops change the task's wording: every task of ours wants a new subject and body."""
    default = Path(__file__).resolve().parents[2] / "mappings" / "defaults" / f"{world.crm}.yaml"
    text = default.read_text()
    assert 'subject: "{task_subject}"' in text and 'body: "{task_body}"' in text
    text = text.replace('subject: "{task_subject}"', 'subject: "{task_subject} (revised)"')
    text = text.replace('body: "{task_body}"', 'body: "{task_body}\\n\\nRevised wording."')
    mapping = tmp / f"{world.crm}-revised.yaml"
    mapping.write_text(text)
    config = Path(world.config)
    line = f"    crm: {world.crm}\n"
    config.write_text(config.read_text().replace(line, f"{line}    mapping: {mapping}\n", 1))


def same_value(part: str, a: Any, b: Any) -> bool:
    """Two CRM values of a part compared as the planner compares them."""
    if part == "priority":
        return str(a or "").casefold() == str(b or "").casefold()
    return norm(a) == norm(b)


def conflicts_of(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["deal"], c["field"]) for c in report["conflicts"]}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("crm", CRMS)
def test_every_part_a_rep_edits_survives_an_update_in_place(
    rworld: Callable[..., Any], rel: Any, tmp_path: Path, crm: str, seed: int
) -> None:
    """10 edit scenarios per CRM: each edited part is kept and reported, the rest is updated,
    and the task's status (set by the rep to in progress) is never reset."""
    world = rworld(crm, deals=24, seed=seed)
    code, report = world.sync()
    assert code == 0, report
    before = tasks_of(world)
    ids = sorted(before, key=lambda i: before[i]["deal"])
    assert len(ids) >= len(SCENARIOS) + 2
    edits: dict[str, dict[str, Any]] = {}
    for task_id, parts in zip(ids, SCENARIOS, strict=False):
        edits[task_id] = rep_values(world, before[task_id], parts)
        edit_task(world, task_id, edits[task_id])
    revise_template(world, tmp_path)

    code, report = world.sync()
    assert code == 0, report
    after = tasks_of(world)
    conflicts = conflicts_of(report)
    for task_id, values in edits.items():
        got = after[task_id]
        for part, value in values.items():
            assert same_value(part, got[part], value), (crm, task_id, part, got[part], value)
            if part != "status":
                assert (got["deal"], f"task.{part}") in conflicts, (crm, part, report["conflicts"])
        if "subject" not in values:
            assert got["subject"].endswith("(revised)"), (crm, values, got["subject"])
        if "body" not in values and "subject" not in values:  # a rewritten subject: theirs
            assert got["body"].endswith("Revised wording."), (crm, values)
        if "status" not in values:
            assert not same_value("status", got["status"], IN_PROGRESS[crm])
    untouched = [i for i in ids if i not in edits]
    for task_id in untouched:
        got, old = after[task_id], before[task_id]
        assert got["subject"].endswith("(revised)") and got["body"].endswith("Revised wording.")
        for part in ("due", "priority", "owner", "status"):
            assert same_value(part, got[part], old[part]), (crm, part)
    assert rel.duplicates(world.state()) == 0
    code, again = world.sync()
    assert code == 0 and again["api_calls"]["writes"] == 0, again
    assert conflicts_of(again) >= {c for c in conflicts if c[1] != "task"}


def _stages(world: Any) -> dict[str, tuple[str, str]]:
    """deal id -> (CRM stage value, canonical stage) of open mirrored deals."""
    db = Path(world.config).parent / "state.db"
    with sqlite3.connect(db) as conn:
        canon = dict(conn.execute("SELECT deal_id, stage FROM deals WHERE is_open"))
    snap = world.sb.snapshot()[world.crm]
    if world.crm == "salesforce":
        raw = {o["Id"]: o["StageName"] for o in snap["Opportunity"]}
    else:
        raw = {str(d["id"]): d["properties"]["dealstage"] for d in snap["objects"]["deals"]}
    return {d: (raw[d], s) for d, s in canon.items() if d in raw}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("crm", CRMS)
def test_a_rewritten_task_is_not_joined_by_a_second_one_when_the_stage_moves(
    rworld: Callable[..., Any], rel: Any, crm: str, seed: int
) -> None:
    """A rep rewrote our task, then the deal changed stage: the rep's task stays the deal's
    only open task (reported as a conflict), and once they complete it ours follows."""
    world = rworld(crm, deals=24, seed=seed)
    code, _ = world.sync()
    assert code == 0
    tasks = tasks_of(world)
    stages = _stages(world)
    moved = []
    for task_id, t in sorted(tasks.items(), key=lambda kv: kv[1]["deal"]):
        if t["deal"] not in stages or len(moved) == 3:
            continue
        own = stages[t["deal"]][1]
        target = next((raw for raw, canon in stages.values() if canon != own), None)
        if target is None:
            continue
        rewrite = ("subject",) if len(moved) == 0 else ("body",) if len(moved) == 1 else ("due",)
        edit_task(world, task_id, rep_values(world, t, rewrite))
        field = "StageName" if crm == "salesforce" else "dealstage"
        world.edit_deal(t["deal"], {field: target})
        moved.append((task_id, t["deal"], t["key"]))
    assert len(moved) == 3

    code, report = world.sync()
    assert code == 0, report
    after = tasks_of(world)
    for task_id, deal, key in moved:
        open_ours = [t for t in after.values() if t["deal"] == deal and not _done(crm, t)]
        assert [t["key"] for t in open_ours] == [key], (crm, deal, open_ours)
        assert (deal, "task") in conflicts_of(report)
        edit_task(world, task_id, {"status": "Completed" if crm == "salesforce" else "COMPLETED"})

    code, report = world.sync()
    assert code == 0, report
    after = tasks_of(world)
    for _, deal, key in moved:
        open_ours = [t for t in after.values() if t["deal"] == deal and not _done(crm, t)]
        assert len(open_ours) == 1 and open_ours[0]["key"] != key, (crm, deal, open_ours)
    assert rel.duplicates(world.state()) == 0


def _done(crm: str, task: dict[str, Any]) -> bool:
    return str(task["status"]).upper() == "COMPLETED"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("crm", CRMS)
def test_a_lost_state_store_does_not_overwrite_a_reps_edits(
    rworld: Callable[..., Any], rel: Any, tmp_path: Path, crm: str, seed: int
) -> None:
    """Sync; a rep edits a deal field and parts of three tasks; the store is deleted; the next
    run (with a changed template) keeps every edit, reports each, and updates the rest."""
    world = rworld(crm, deals=24, seed=seed)
    code, _ = world.sync()
    assert code == 0
    tasks = tasks_of(world)
    ids = sorted(tasks, key=lambda i: tasks[i]["deal"])
    field = "NA_Next_Advance__c" if crm == "salesforce" else "na_next_advance"
    field_deal = tasks[ids[0]]["deal"]
    world.edit_deal(field_deal, {field: "Rep: customer asked for a site visit"})
    edits = {
        ids[1]: rep_values(world, tasks[ids[1]], ("subject",)),
        ids[2]: rep_values(world, tasks[ids[2]], ("body", "priority")),
        ids[3]: rep_values(world, tasks[ids[3]], ("due", "owner")),
    }
    for task_id, values in edits.items():
        edit_task(world, task_id, values)
    (Path(world.config).parent / "state.db").unlink()
    revise_template(world, tmp_path)

    code, report = world.sync()
    assert code == 0, report
    conflicts = conflicts_of(report)
    assert (field_deal, field) in conflicts, report["conflicts"]
    assert world.state()[field_deal]["fields"][field] == "Rep: customer asked for a site visit"
    after = tasks_of(world)
    for task_id, values in edits.items():
        for part, value in values.items():
            assert same_value(part, after[task_id][part], value), (crm, part)
            assert (after[task_id]["deal"], f"task.{part}") in conflicts
    for task_id in ids[4:]:
        assert after[task_id]["subject"].endswith("(revised)")
    assert rel.duplicates(world.state()) == 0
    rel.integrity_check(Path(world.config).parent / "state.db")
