"""``nextadvance sync`` end to end against the sandbox, for Salesforce and HubSpot."""

from __future__ import annotations

from typing import Any

import pytest

CRMS = ["salesforce", "hubspot"]


def _open_tasks(state: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {d: [t for t in v["tasks"] if not t["completed"]] for d, v in state.items()}


@pytest.mark.parametrize("crm", CRMS)
def test_full_then_quiet_then_only_what_changed(make_world: Any, crm: str) -> None:
    """A full sync writes one task per open deal plus fields; a rerun writes nothing; after
    50 deals change, only those deals are written."""
    world = make_world(crm, deals=300 if crm == "salesforce" else 150)
    code, first = world.sync()
    assert code == 0, first
    assert first["status"] == "ok"
    opened = first["deals"]["open"]
    assert opened > 50
    assert first["deals"]["decided"] == opened
    assert first["tasks"]["created"] == opened
    state = world.state()
    open_tasks = _open_tasks(state)
    with_task = {d for d, tasks in open_tasks.items() if tasks}
    assert len(with_task) == opened
    assert all(len(tasks) <= 1 for tasks in open_tasks.values())
    assert all(state[d]["open"] for d in with_task)
    fields_set = {d for d, v in state.items() if v["open"] and any(v["fields"].values())}
    assert fields_set == with_task
    assert first["fields_updated"] >= opened
    assert first["api_calls"]["writes"] >= 2

    code, second = world.sync()
    assert code == 0 and second["status"] == "ok"
    assert second["api_calls"]["writes"] == 0
    assert second["tasks"] == {"created": 0, "updated": 0, "closed": 0, "unchanged": opened}
    assert second["fields_updated"] == 0 and second["conflicts"] == []

    code, third = world.sync()
    assert third["deals"]["pulled"] == 0 and third["activities_pulled"] == 0
    assert third["api_calls"]["writes"] == 0

    changed = world.sb.admin("mutate", "POST", {"count": 50, "seed": 5})["changed"][crm]
    assert len(changed) == 50
    before = world.state()
    code, fourth = world.sync()
    assert code == 0 and fourth["status"] == "ok", fourth
    after = world.state()
    touched = {d for d in after if after[d] != before.get(d)}
    assert touched, "the reps' changes should require some writes"
    assert touched <= {str(c) for c in changed}
    t = fourth["tasks"]
    assert t["created"] + t["updated"] + t["closed"] <= 2 * len(changed)
    assert fourth["api_calls"]["writes"] <= 8  # a few batched calls, not one per record
    assert all(len(t) <= 1 for t in _open_tasks(after).values())


@pytest.mark.parametrize("crm", CRMS)
def test_human_edit_is_left_alone_and_reported(make_world: Any, crm: str) -> None:
    """A person's edit of our field or our task after we wrote it is kept and shown as a conflict."""
    world = make_world(crm, deals=40)
    code, _ = world.sync()
    assert code == 0
    state = world.state()
    deals = sorted(d for d, v in state.items() if v["tasks"])
    field_deal, task_deal = deals[0], deals[1]
    field = "NA_Next_Advance__c" if crm == "salesforce" else "na_next_advance"
    world.edit_deal(field_deal, {field: "Rep: customer asked for a site visit"})
    task = state[task_deal]["tasks"][0]
    world.edit_task(task["id"], subject="Call Dana about the site visit (rep)")

    code, report = world.sync()
    assert code == 0, report
    conflicts = {(c["deal"], c["field"]) for c in report["conflicts"]}
    assert (field_deal, field) in conflicts
    assert (task_deal, "task.subject") in conflicts
    after = world.state()
    assert after[field_deal]["fields"][field] == "Rep: customer asked for a site visit"
    assert after[task_deal]["tasks"][0]["subject"] == "Call Dana about the site visit (rep)"
    assert report["api_calls"]["writes"] == 0


@pytest.mark.parametrize("crm", CRMS)
def test_rejected_records_are_listed_and_retried(make_world: Any, crm: str) -> None:
    """Records the CRM refuses are listed with its code (status partial) and written next run."""
    world = make_world(crm, deals=60, faults={"reject_record": 0.25, "seed": 2})
    code, first = world.sync()
    assert code == 1 and first["status"] == "partial"
    assert first["rejects"], first
    assert all(r["code"] and r["record"] for r in first["rejects"])
    world.sb.set_faults(reject_record=0.0)
    code, second = world.sync()
    assert code == 0 and second["status"] == "ok", second
    retried = second["tasks"]["created"] + second["fields_updated"]
    assert retried >= len(first["rejects"])
    open_tasks = _open_tasks(world.state())
    assert sum(1 for t in open_tasks.values() if t) == second["deals"]["open"]
    assert all(len(t) <= 1 for t in open_tasks.values())


@pytest.mark.parametrize("crm", CRMS)
def test_completed_task_is_not_recreated(make_world: Any, crm: str) -> None:
    """When the rep completes our task, the next run does not create another for the same objective."""
    world = make_world(crm, deals=30)
    world.sync()
    state = world.state()
    deal = next(d for d, v in sorted(state.items()) if v["tasks"])
    world.edit_task(state[deal]["tasks"][0]["id"], done=True)
    code, report = world.sync()
    assert code == 0
    assert report["tasks"]["created"] == 0 and report["api_calls"]["writes"] == 0
    assert len(world.state()[deal]["tasks"]) == 1


def test_dry_run_writes_nothing_and_keeps_the_cursor(make_world: Any) -> None:
    """--dry-run plans the same writes as a real run but sends none and leaves the cursor."""
    world = make_world("salesforce", deals=40)
    code, dry = world.sync("--dry-run")
    assert code == 0 and dry["dry_run"] is True
    assert dry["api_calls"]["writes"] == 0 and world.write_requests() == 0
    assert dry["diff"] and dry["tasks"]["created"] == dry["deals"]["open"]
    code, real = world.sync()
    assert real["deals"]["pulled"] == dry["deals"]["pulled"]  # the cursor did not move
    assert real["tasks"]["created"] == dry["tasks"]["created"]
    assert real["fields_updated"] == dry["fields_updated"]


def test_full_resync_is_the_same_path_and_writes_nothing_new(make_world: Any) -> None:
    """--full re-reads everything but, with nothing changed, writes nothing."""
    world = make_world("hubspot", deals=40)
    world.sync()
    code, full = world.sync("--full")
    assert code == 0 and full["full"] is True
    assert full["deals"]["pulled"] >= full["deals"]["open"]
    assert full["api_calls"]["writes"] == 0


def test_parked_deal_gets_no_task(make_world: Any) -> None:
    """A deal the rep parks (reason + date) has its open suggested task closed, not renewed."""
    world = make_world("salesforce", deals=30)
    world.sync()
    state = world.state()
    deal = next(d for d, v in sorted(state.items()) if v["tasks"])
    world.edit_deal(
        deal, {"NA_Parked_Until__c": "2099-01-31", "NA_Parked_Reason__c": "Budget freeze until Q1"}
    )
    code, report = world.sync()
    assert code == 0, report
    assert report["deals"]["parked"] == 1
    assert report["tasks"]["closed"] == 1
    tasks = world.state()[deal]["tasks"]
    assert tasks and all(t["completed"] for t in tasks)
    code, again = world.sync()
    assert again["api_calls"]["writes"] == 0


def test_store_on_postgresql(make_world: Any, pg_url: str) -> None:
    """The same run works with the state store on a real PostgreSQL server."""
    world = make_world("salesforce", deals=40, state_url=pg_url)
    code, first = world.sync()
    assert code == 0 and first["tasks"]["created"] == first["deals"]["open"]
    code, second = world.sync()
    assert second["api_calls"]["writes"] == 0
    code, third = world.sync()  # the kept write-backs, read and rewritten on PostgreSQL
    assert code == 0 and third["deals"]["reused"] > 0 and third["api_calls"]["writes"] == 0


def test_explain_shows_mirror_decision_and_ledger(make_world: Any) -> None:
    """`explain --connection --deal` shows the decision and what the last run wrote for the deal."""
    from typer.testing import CliRunner

    from nextadvance.sync import cli

    world = make_world("salesforce", deals=20)
    world.sync()
    state = world.state()
    deal = next(d for d, v in sorted(state.items()) if v["tasks"])
    task = state[deal]["tasks"][0]
    result = CliRunner().invoke(
        cli.app,
        ["explain", "--connection", "salesforce", "--config", str(world.config), "--deal", deal],
        env=world.env,
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "What nextadvance wrote" in out
    assert task["key"] in out and "done" in out
    assert "NA_Next_Advance__c" in out
    missing = CliRunner().invoke(
        cli.app,
        [
            "explain",
            "--connection",
            "salesforce",
            "--config",
            str(world.config),
            "--deal",
            "006nope",
        ],
        env=world.env,
    )
    assert missing.exit_code == 2


@pytest.mark.parametrize("crm", CRMS)
def test_deleted_deal_leaves_the_mirror_and_its_task_is_closed(make_world: Any, crm: str) -> None:
    """A deal deleted (Salesforce) or archived (HubSpot) is dropped, its open task closed, never written."""
    world = make_world(crm, deals=30)
    _, first = world.sync()
    state = world.state()
    deal = next(d for d, v in sorted(state.items()) if v["tasks"])
    if crm == "salesforce":
        url = f"{world.sb.base_url}/services/data/v59.0/sobjects/Opportunity/{deal}"
    else:
        url = f"{world.sb.base_url}/crm/v3/objects/deals/{deal}"
    assert world.http().delete(url).status_code == 204
    code, report = world.sync()
    assert code == 0, report
    assert report["deals"]["deleted"] == 1
    assert report["deals"]["open"] == first["deals"]["open"] - 1
    assert report["fields_updated"] == 0 and report["tasks"]["created"] == 0
    assert report["tasks"]["closed"] == 1
    left = world.state().get(deal, {"tasks": []})["tasks"]
    assert all(t["completed"] for t in left)
    code, again = world.sync()
    assert again["api_calls"]["writes"] == 0


def test_writeback_off_decides_but_never_writes(make_world: Any) -> None:
    """With `writeback: false` a run pulls and decides, lists what it would write, and writes nothing."""
    world = make_world("hubspot", deals=20)
    world.config.write_text(
        world.config.read_text().replace("    limits:", "    writeback: false\n    limits:")
    )
    code, report = world.sync()
    assert code == 0 and report["deals"]["decided"] == report["deals"]["open"] > 0
    assert report["api_calls"]["writes"] == 0 and world.write_requests() == 0
    assert report["diff"] and "write-back is off" in report["message"]


def test_bad_credentials_fail_the_run_without_leaking_them(make_world: Any) -> None:
    """A refused token ends the run as failed (exit 4); the report never shows the secret."""
    import json
    import os

    world = make_world("hubspot", deals=5)
    var = next(k for k in world.env if k.startswith("NA_TEST_"))
    canary = "pat-na1-canary-7f3e9b"
    world.env[var] = os.environ[var] = json.dumps({"access_token": canary})
    code, report = world.sync()
    assert code == 4 and report["status"] == "failed"
    assert "Auth" in (report["message"] or "")
    assert canary not in json.dumps(report)


def test_run_sync_reports_progress_and_stops_on_request(make_world: Any) -> None:
    """The Python API calls progress per phase, and a set stop event ends the run cleanly as partial."""
    import threading

    from nextadvance.sync import load_settings, run_sync

    world = make_world("salesforce", deals=30)
    settings = load_settings(world.config)
    stop = threading.Event()
    stop.set()
    stopped = run_sync(settings, "salesforce", stop=stop)
    assert stopped.status == "partial" and "stopped" in (stopped.message or "")
    assert stopped.api_calls.writes == 0
    seen: list[str] = []
    report = run_sync(settings, "salesforce", progress=lambda phase, n, total: seen.append(phase))
    assert report.status == "ok"
    assert {"pull", "decide", "push", "api_calls"} <= set(seen)
    assert report.tasks.created == report.deals.open


def test_runs_lists_stored_reports_newest_first(make_world: Any) -> None:
    """`nextadvance runs --json` returns the stored reports of the connection, newest first."""
    import json

    from typer.testing import CliRunner

    from nextadvance.sync import cli

    world = make_world("salesforce", deals=10)
    world.sync("--dry-run")
    world.sync()
    args = ["runs", "--config", str(world.config), "--json"]
    result = CliRunner().invoke(cli.app, [*args, "--connection", "salesforce"], env=world.env)
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)
    assert [r["dry_run"] for r in runs] == [False, True]
    assert runs[0]["run_id"] > runs[1]["run_id"] and runs[0]["status"] == "ok"
    other = CliRunner().invoke(cli.app, [*args, "--connection", "nope"], env=world.env)
    # an unknown connection is an error, as in every command (the console script: exit 2)
    assert "no connection named 'nope'" in str(other.exception)
    table = CliRunner().invoke(cli.app, ["runs", "--config", str(world.config)], env=world.env)
    assert table.exit_code == 0 and "salesforce" in table.output


@pytest.mark.parametrize("crm", CRMS)
def test_full_listing_forgets_a_deal_the_crm_no_longer_lists(make_world: Any, crm: str) -> None:
    """``--full`` after a deletion: the deal missing from the listing leaves the mirror and
    its open task is closed, the other deals stay (stamped by the listing)."""
    world = make_world(crm, deals=30)
    _, first = world.sync()
    deal = next(d for d, v in sorted(world.state().items()) if v["tasks"])
    if crm == "salesforce":
        url = f"{world.sb.base_url}/services/data/v59.0/sobjects/Opportunity/{deal}"
    else:
        url = f"{world.sb.base_url}/crm/v3/objects/deals/{deal}"
    assert world.http().delete(url).status_code == 204
    code, report = world.sync("--full")
    assert code == 0, report
    assert report["deals"]["deleted"] == 1
    assert report["deals"]["open"] == first["deals"]["open"] - 1
    assert report["tasks"]["closed"] == 1 and report["tasks"]["created"] == 0
    assert all(t["completed"] for t in world.state().get(deal, {"tasks": []})["tasks"])
    code, again = world.sync()
    assert again["deals"]["deleted"] == 0 and again["api_calls"]["writes"] == 0
