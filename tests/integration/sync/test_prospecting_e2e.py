"""Prospecting blocks as one rep-level task a day, through ``nextadvance sync`` on both CRMs."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nextadvance.mappings._html import html_to_text
from nextadvance.sync import cli
from nextadvance.sync.run import _run

CRMS = ["salesforce", "hubspot"]
#: a Wednesday, 10:30 UTC: the 08:00-09:00 block has ended, 09:00-12:00 is under way
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
HS_CALL_TO_DEAL = 206
HS_EMAIL_TO_DEAL = 210


def _at(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """The sync's clock (the only clock a run reads)."""
    monkeypatch.setattr(_run, "_now", lambda: now)


def _opt_in(world: Any, owner: str, extra: str = "") -> Path:
    targets = world.config.parent / "targets.yaml"
    targets.write_text(
        "timezone: UTC\n"
        "reps:\n"
        f"  '{owner}':\n"
        "    targets: {calls: 25, emails: 10}\n"
        "  Nobody Known:\n"
        "    targets: {calls: 5}\n" + extra
    )
    with world.config.open("a") as fh:
        fh.write("    prospecting: {targets: targets.yaml}\n")
    return targets


def _rep_and_deal(world: Any) -> tuple[str, str]:
    """A rep who owns an open deal, and that deal."""
    snap = world.sb.snapshot()[world.crm]
    if world.crm == "salesforce":
        opp = next(o for o in snap["Opportunity"] if not o.get("IsClosed"))
        return opp["OwnerId"], opp["Id"]
    deal = next(
        d
        for d in snap["objects"]["deals"]
        if d["properties"].get("dealstage") not in ("closedwon", "closedlost")
        and d["properties"].get("hubspot_owner_id")
    )
    return deal["properties"]["hubspot_owner_id"], deal["id"]


def _rep_tasks(world: Any, owner: str) -> list[dict[str, Any]]:
    """Our rep-level tasks of ``owner`` as the CRM holds them: key, subject, body, links."""
    snap = world.sb.snapshot()[world.crm]
    out = []
    if world.crm == "salesforce":
        for t in snap["Task"]:
            key = t.get("NA_Key__c") or ""
            if key.startswith(f"na-rep-{owner}-") and not t.get("IsDeleted"):
                out.append(
                    {
                        "id": t["Id"],
                        "key": key,
                        "subject": t["Subject"],
                        "body": t["Description"],
                        "owner": t["OwnerId"],
                        "due": t["ActivityDate"],
                        "deal": t.get("WhatId"),
                        "completed": t["Status"] == "Completed",
                    }
                )
        return sorted(out, key=lambda t: t["key"])
    linked = {str(a[1]) for a in snap["associations"] if a[0] == "tasks" and a[2] == "deals"}
    for t in snap["objects"]["tasks"]:
        p = t["properties"]
        key = p.get("na_task_key") or ""
        if key.startswith(f"na-rep-{owner}-") and not t.get("archived"):
            stamp = datetime.fromisoformat(p["hs_timestamp"].replace("Z", "+00:00"))
            out.append(
                {
                    "id": str(t["id"]),
                    "key": key,
                    "subject": p["hs_task_subject"],
                    "body": html_to_text(p["hs_task_body"]),  # HubSpot holds HTML
                    "owner": p.get("hubspot_owner_id"),
                    "due": stamp.date().isoformat(),
                    "deal": "linked" if str(t["id"]) in linked else None,
                    "completed": p.get("hs_task_status") == "COMPLETED",
                }
            )
    return sorted(out, key=lambda t: t["key"])


def _log(world: Any, owner: str, deal: str, kind: str, at: datetime) -> None:
    """A rep logs a call or an email on one of their deals."""
    http = world.http()
    if world.crm == "salesforce":
        body = {
            "Subject": f"{kind.title()} logged",
            "TaskSubtype": "Call" if kind == "call" else "Email",
            "Status": "Completed",
            "ActivityDate": at.date().isoformat(),
            "WhatId": deal,
            "OwnerId": owner,
        }
        if kind == "call":
            body["CallType"] = "Outbound"
        r = http.post(f"{world.sb.base_url}/services/data/v59.0/sobjects/Task", json=body)
    else:
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if kind == "call":
            obj, assoc = "calls", HS_CALL_TO_DEAL
            props = {
                "hs_timestamp": stamp,
                "hs_call_title": "Call logged",
                "hs_call_status": "COMPLETED",
                "hs_call_direction": "OUTBOUND",
                "hubspot_owner_id": owner,
            }
        else:
            obj, assoc = "emails", HS_EMAIL_TO_DEAL
            props = {
                "hs_timestamp": stamp,
                "hs_email_subject": "Email logged",
                "hs_email_direction": "EMAIL",
                "hs_email_status": "SENT",
                "hubspot_owner_id": owner,
            }
        r = http.post(
            f"{world.sb.base_url}/crm/v3/objects/{obj}",
            json={
                "properties": props,
                "associations": [
                    {
                        "to": {"id": deal},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": assoc}
                        ],
                    }
                ],
            },
        )
    assert r.status_code < 300, r.text


def _progress(body: str) -> dict[str, tuple[int, int, int]]:
    """metric -> (done today, today's target, done this week) from the task body."""
    today_line = next(line for line in body.splitlines() if line.startswith("Done today:"))
    today = {
        m: (int(d), int(n)) for d, n, m in re.findall(r"(\d+) of (\d+) (call|email)", today_line)
    }
    week_line = next(line for line in body.splitlines() if line.startswith("This week:"))
    week = {m: int(d) for d, m in re.findall(r"(\d+) of \d+ (call|email)", week_line)}
    return {m: (today[m][0], today[m][1], week[m]) for m in ("call", "email")}


@pytest.mark.parametrize("crm", CRMS)
def test_prospecting_task_lifecycle(make_world: Any, monkeypatch: pytest.MonkeyPatch, crm: str):
    """Opted-in reps get one task for today with the right plan, progress updates after
    logged activities, an idle sync writes nothing, and the next day closes yesterday's."""
    world = make_world(crm, deals=30, now=NOW - timedelta(hours=1))
    owner, deal = _rep_and_deal(world)
    _opt_in(world, owner)
    _at(monkeypatch, NOW)

    code, first = world.sync()
    assert code == 0, first
    assert first["prospecting"]["reps"] == [owner]
    assert first["prospecting"]["unknown_reps"] == ["Nobody Known"]
    [task] = _rep_tasks(world, owner)
    assert task["key"] == f"na-rep-{owner}-2026-12-02"
    assert task["owner"] == owner and task["due"] == "2026-12-02"
    assert task["deal"] is None and not task["completed"]
    calls_0, emails_0 = _progress(task["body"])["call"], _progress(task["body"])["email"]
    # today's target = ceil((weekly target - done before today) / working days left (Wed-Fri))
    assert calls_0[1] == math.ceil(max(0, 25 - (calls_0[2] - calls_0[0])) / 3)
    assert emails_0[1] == math.ceil(max(0, 10 - (emails_0[2] - emails_0[0])) / 3)
    wanted = [
        f"{n} {m}s" if n != 1 else f"{n} {m}"
        for m, n in (("call", calls_0[1]), ("email", emails_0[1]))
        if n
    ]
    assert task["subject"] == "Prospecting today: " + ", ".join(wanted)
    lines = task["body"].splitlines()
    assert any(line.startswith("09:00–12:00 (now): ") for line in lines), task["body"]
    assert not any(line.startswith("13:00–15:00 (now)") for line in lines)

    for hour in (9, 10):
        _log(world, owner, deal, "call", NOW.replace(hour=hour, minute=5))
    _log(world, owner, deal, "email", NOW.replace(hour=8, minute=20))
    _at(monkeypatch, NOW + timedelta(minutes=5))
    code, second = world.sync()
    assert code == 0, second
    [task2] = _rep_tasks(world, owner)
    assert task2["id"] == task["id"] and task2["subject"] == task["subject"]
    progress = _progress(task2["body"])
    assert progress["call"][0] == calls_0[0] + 2
    assert progress["email"][0] == emails_0[0] + 1
    assert second["tasks"]["updated"] >= 1

    code, idle = world.sync()
    assert code == 0, idle
    assert idle["api_calls"]["writes"] == 0
    assert idle["tasks"]["created"] == idle["tasks"]["updated"] == idle["tasks"]["closed"] == 0
    assert _rep_tasks(world, owner) == [task2]

    _at(monkeypatch, NOW + timedelta(days=1))
    code, third = world.sync()
    assert code == 0, third
    old, new = _rep_tasks(world, owner)
    assert old["key"].endswith("2026-12-02") and old["completed"]
    assert new["key"] == f"na-rep-{owner}-2026-12-03" and not new["completed"]
    assert new["due"] == "2026-12-03" and new["deal"] is None


def test_dry_run_lists_the_rep_task_and_writes_nothing(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--dry-run shows the rep's task in the diff and sends no write."""
    world = make_world("salesforce", deals=10, now=NOW - timedelta(hours=1))
    owner, _ = _rep_and_deal(world)
    _opt_in(world, owner)
    _at(monkeypatch, NOW)
    code, dry = world.sync("--dry-run")
    assert code == 0, dry
    keys = {d["key"] for d in dry["diff"] if d["deal"] == f"rep:{owner}"}
    assert keys == {f"na-rep-{owner}-2026-12-02"}
    assert world.write_requests() == 0 and _rep_tasks(world, owner) == []


def test_rep_edit_of_the_task_is_left_alone(make_world: Any, monkeypatch: pytest.MonkeyPatch):
    """A rep who rewrites today's task keeps their text; progress is not pushed over it."""
    world = make_world("hubspot", deals=20, now=NOW - timedelta(hours=1))
    owner, deal = _rep_and_deal(world)
    _opt_in(world, owner)
    _at(monkeypatch, NOW)
    world.sync()
    [task] = _rep_tasks(world, owner)
    world.edit_task(task["id"], subject="My own plan for today")
    _log(world, owner, deal, "call", NOW.replace(hour=9, minute=40))
    _at(monkeypatch, NOW + timedelta(minutes=5))
    code, report = world.sync()
    assert code == 0, report
    assert any(c["field"] == "task.subject" and owner in c["deal"] for c in report["conflicts"])
    [after] = _rep_tasks(world, owner)
    assert after["subject"] == "My own plan for today" and after["body"] == task["body"]


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        cli.main(list(args))
    return int(exc.value.code or 0), capsys.readouterr().err


def test_bad_prospecting_config_is_located(
    make_world: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad targets file and a missing one are reported with file, line and key; nothing runs."""
    world = make_world("salesforce", deals=5)
    targets = world.config.parent / "targets.yaml"
    targets.write_text("workday:\n  blocks: ['9-12']\nreps:\n  alice:\n    targets: {visits: 3}\n")
    base = world.config.read_text()
    world.config.write_text(
        base + "    prospecting: {targets: targets.yaml, timezone: Mars/Base}\n"
    )
    code, err = _main(capsys, "sync", "-C", "salesforce", "--config", str(world.config))
    assert code == 2
    assert "targets.yaml:2" in err and "HH:MM-HH:MM" in err
    assert "targets.yaml:5" in err and "visits" in err
    assert "nextadvance.yaml:" in err and "prospecting.timezone" in err and "Mars/Base" in err

    world.config.write_text(base + "    prospecting: {targets: nowhere.yaml, target: x}\n")
    code, err = _main(capsys, "sync", "-C", "salesforce", "--config", str(world.config))
    assert code == 2
    assert "prospecting.targets: file not found" in err and "nowhere.yaml" in err
    assert "unknown setting 'target'" in err and "did you mean 'targets'" in err
    assert world.write_requests() == 0
