"""The pre-write recheck: a task a rep changed after our pull is not updated or closed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from nextadvance.connectors import TaskSpec, WriteKind, WriteOp
from nextadvance.sync import load_settings
from nextadvance.sync.run._parts import load_parts, make_connector
from nextadvance.sync.run._plan import PlannedOp
from nextadvance.sync.run._push import recheck
from nextadvance.sync.run._report import RunReport
from nextadvance.sync.store._db import StateStore
from nextadvance.sync.store._ledger import Ledger


def test_tasks_a_rep_touched_after_the_pull_are_left_alone(make_world: Any) -> None:
    """Closing a task the rep just rewrote, or updating one the rep just completed, is dropped."""
    world = make_world("salesforce", deals=20)
    world.sync()
    state = world.state()
    edited, completed, untouched = [d for d, v in sorted(state.items()) if v["tasks"]][:3]
    world.edit_task(state[edited]["tasks"][0]["id"], subject="Rep: call Dana on Friday")
    world.edit_task(state[completed]["tasks"][0]["id"], done=True)
    settings = load_settings(world.config)
    connector = make_connector(load_parts(settings, "salesforce"))
    store = StateStore.open(settings.state_url)
    now = datetime.now(UTC)
    report = RunReport(connection="salesforce", started_at=now)
    try:
        with store.session() as s:
            ledger = Ledger(s, "salesforce")
            ops = []
            for deal, counted in (
                (edited, "closed"),
                (completed, "updated"),
                (untouched, "closed"),
            ):
                task = state[deal]["tasks"][0]
                written = ledger.written(task["key"]) or {}
                kind = WriteKind.close_task if counted == "closed" else WriteKind.upsert_task
                op = WriteOp(kind, task["key"], deal)
                payload = {**written, "completed": counted == "closed"}
                ops.append(PlannedOp(op, "task", payload, counted, {"body": "changed"}))  # type: ignore[arg-type]
            kept = recheck(connector, ledger, ops, now, report)
    finally:
        connector.close()
        store.close()
    assert [o.write.deal_id for o in kept] == [untouched]
    assert [(c.deal, c.field) for c in report.conflicts] == [(edited, "task.subject")]
    assert report.tasks.unchanged == 1
    assert connector.calls.reads == 1 and connector.calls.writes == 0


def test_an_update_that_would_send_a_part_the_rep_just_changed_is_dropped(make_world: Any) -> None:
    """The recheck compares every part, not only the subject: a rep's fresh description or
    due date edit drops our update of that part (reported), an update of other parts goes on."""
    world = make_world("salesforce", deals=20)
    world.sync()
    state = world.state()
    body_deal, due_deal = [d for d, v in sorted(state.items()) if v["tasks"]][:2]
    for deal, body in (
        (body_deal, {"Description": "Rep notes"}),
        (due_deal, {"ActivityDate": "2027-02-01"}),
    ):
        url = (
            f"{world.sb.base_url}/services/data/v59.0/sobjects/Task/{state[deal]['tasks'][0]['id']}"
        )
        assert world.http().patch(url, json=body).status_code < 300
    settings = load_settings(world.config)
    connector = make_connector(load_parts(settings, "salesforce"))
    store = StateStore.open(settings.state_url)
    now = datetime.now(UTC)
    report = RunReport(connection="salesforce", started_at=now)
    try:
        with store.session() as s:
            ledger = Ledger(s, "salesforce")
            ops = []
            for deal in (body_deal, due_deal):
                task = state[deal]["tasks"][0]
                written = ledger.written(task["key"]) or {}
                spec = TaskSpec(subject=written["subject"], body="new", only=frozenset({"body"}))
                op = WriteOp(WriteKind.upsert_task, task["key"], deal, task=spec)
                ops.append(PlannedOp(op, "task", dict(written), "updated", {"body": "changed"}))
            kept = recheck(connector, ledger, ops, now, report)
    finally:
        connector.close()
        store.close()
    assert [o.write.deal_id for o in kept] == [due_deal]
    assert [(c.deal, c.field) for c in report.conflicts] == [(body_deal, "task.body")]


class _EditBeforeRecheck:
    """The connector, with a rep's edit made just before the push's first recheck."""

    def __init__(self, inner: Any, edit: Any) -> None:
        self._inner, self._edit = inner, edit

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def find_tasks(self, keys: Any, *args: Any, **kwargs: Any) -> Any:
        if self._edit is not None:
            self._edit()
            self._edit = None
        return self._inner.find_tasks(keys, *args, **kwargs)


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_a_new_task_waits_while_the_rep_holds_the_old_one(make_world: Any, crm: str) -> None:
    """The deal moves stage (our old task is to close, a new one to open); between our pull
    and our push the rep rewrites the old task. Its close is dropped, and the new task waits:
    one open task on the deal, never two (it was created anyway)."""
    import sqlite3

    from nextadvance.sync import run_sync

    world = make_world(crm, deals=12)
    world.sync()
    state = world.state()
    with sqlite3.connect(world.config.parent / "state.db") as db:
        stages = dict(db.execute("SELECT deal_id, stage FROM deals WHERE is_open"))
    snap = world.sb.snapshot()[crm]
    raw = (
        {o["Id"]: o["StageName"] for o in snap["Opportunity"]}
        if crm == "salesforce"
        else {str(d["id"]): d["properties"]["dealstage"] for d in snap["objects"]["deals"]}
    )
    deal = next(d for d, v in sorted(state.items()) if v["tasks"] and d in stages)
    target = next(raw[d] for d, s in sorted(stages.items()) if s != stages[deal] and d in raw)
    world.edit_deal(deal, {"StageName" if crm == "salesforce" else "dealstage": target})
    old = next(t for t in state[deal]["tasks"] if not t["completed"])
    settings = load_settings(world.config)
    inner = make_connector(load_parts(settings, crm))
    try:
        report = run_sync(
            settings,
            crm,
            connector=_EditBeforeRecheck(
                inner, lambda: world.edit_task(old["id"], subject="Rep: my own plan")
            ),
        )
    finally:
        inner.close()
    assert (deal, "task.subject") in [(c.deal, c.field) for c in report.conflicts]
    still_open = [t for t in world.state()[deal]["tasks"] if not t["completed"]]
    assert [t["subject"] for t in still_open] == ["Rep: my own plan"], still_open
