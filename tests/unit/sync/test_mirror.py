"""The mirror: batches applied with de-duplication by modified stamp, deletions, links, tasks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa

from nextadvance.connectors import ActivityRecord, DealRecord, PullBatch, TaskState
from nextadvance.core.models import Activity, ActivityKind, Contact, Deal
from nextadvance.sync.store import _tables as t
from nextadvance.sync.store._db import StateStore
from nextadvance.sync.store._mirror import Mirror

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _deal(deal_id: str, stage: str = "discovery", name: str = "Arbor Mills - Platform") -> Deal:
    return Deal(
        id=deal_id,
        name=name,
        stage=stage,
        created_at=T0 - timedelta(days=30),
        contacts=(Contact(id="c1", name="Dana Reyes", role="champion"),),
    )


def _rec(deal: Deal, minutes: int, **values: object) -> DealRecord:
    return DealRecord(deal.id, T0 + timedelta(minutes=minutes), deal, writeback=values)


def _call(activity_id: str, *deal_ids: str, minutes: int = 0) -> ActivityRecord:
    act = Activity(
        id=activity_id, kind=ActivityKind.call, at=T0 - timedelta(days=2), subject="Intro"
    )
    return ActivityRecord(activity_id, T0 + timedelta(minutes=minutes), tuple(deal_ids), act)


def _mirror(store: StateStore, s: object) -> Mirror:
    return Mirror(s, "acme", lambda d: d.stage not in ("closed_won", "closed_lost"))  # type: ignore[arg-type]


def test_older_copy_from_the_overlap_window_is_ignored(store: StateStore) -> None:
    """A re-read older version of a deal never replaces the newer one already mirrored."""
    with store.session() as s:
        m = _mirror(store, s)
        m.apply(PullBatch(cursor={"n": 1}, deals=(_rec(_deal("d1", name="New name"), 10),)), T0)
        m.apply(PullBatch(cursor={"n": 2}, deals=(_rec(_deal("d1", name="Old name"), 5),)), T0)
        m.set_cursor({"n": 2}, T0)
    with store.session() as s:
        m = _mirror(store, s)
        (got,) = m.load(["d1"])
        assert got.deal.name == "New name"
        assert m.cursor() == {"n": 2}


def test_activities_link_to_deals_and_deletions_cascade(store: StateStore) -> None:
    """Activities arrive with their deal links; a deleted deal leaves with its links and roles."""
    with store.session() as s:
        m = _mirror(store, s)
        batch = PullBatch(
            cursor={},
            deals=(_rec(_deal("d1"), 1, NA_Stalled__c=True), _rec(_deal("d2"), 1)),
            activities=(_call("a1", "d1", "d2"), _call("a2", "d1")),
        )
        counts = m.apply(batch, T0)
        assert counts.deals == 2 and counts.activities == 2
    with store.session() as s:
        m = _mirror(store, s)
        d1, d2 = m.load(["d1", "d2"])
        assert sorted(a.id for a in d1.deal.activities) == ["a1", "a2"]
        assert [a.id for a in d2.deal.activities] == ["a1"]
        assert d1.crm_values == {"NA_Stalled__c": True}
        assert d1.deal.contacts[0].role == "champion"
        counts = m.apply(PullBatch(cursor={}, deleted_deal_ids=("d1", "zz")), T0)
        assert counts.deleted_deals == ["d1"]  # an id we never mirrored is not counted
        assert [x.deal.id for x in m.load(["d1", "d2"])] == ["d2"]
        assert m.count_open() == 1


def test_our_tasks_are_not_activities_and_closed_deals_not_open(store: StateStore) -> None:
    """Our own suggested tasks go to the ledger, not the engine; a closed stage is not open."""
    task = TaskState(
        key="na-d1-k",
        crm_id="00T1",
        deal_id="d1",
        subject="Next advance",
        due=None,
        status="Not Started",
        completed=False,
    )
    ours = ActivityRecord("00T1", T0, ("d1",), None, task=task)
    with store.session() as s:
        m = _mirror(store, s)
        counts = m.apply(
            PullBatch(
                cursor={},
                deals=(_rec(_deal("d1"), 1), _rec(_deal("d3", "closed_won"), 1)),
                activities=(ours,),
            ),
            T0,
        )
        assert [r.task for r in counts.tasks] == [task]
        (d1,) = m.load(["d1"])
        assert d1.deal.activities == ()
        assert [x.deal.id for chunk in m.iter_open() for x in chunk] == ["d1"]
        # a later full listing without d3
        m.apply(PullBatch(cursor={}, deals=(_rec(_deal("d1"), 1),)), T0 + timedelta(hours=1))
        assert m.forget_unlisted(T0 + timedelta(hours=1)) == 1
        assert [x.deal.id for x in m.load(["d1", "d3"])] == ["d1"]


def test_a_full_listing_forgets_exactly_the_deals_it_did_not_list(store: StateStore) -> None:
    """Deals a complete listing stamped stay (an older copy that changed nothing too); the
    unlisted ones leave with their activity links, contact roles and parked rows."""
    from nextadvance.sync.store import _tables as t

    t1 = T0 + timedelta(days=1)
    with store.session() as s:
        m = _mirror(store, s)
        m.apply(
            PullBatch(
                cursor={},
                deals=(_rec(_deal("d1"), 10), _rec(_deal("d2"), 10), _rec(_deal("d3"), 10)),
                activities=(_call("a1", "d1", "d3"),),
            ),
            T0,
        )
        s.add(
            t.Parked(connection="acme", deal_id="d3", parked_until=None, reason="x", updated_at=T0)
        )
        s.add(
            t.Parked(connection="acme", deal_id="d1", parked_until=None, reason="x", updated_at=T0)
        )
        s.commit()
    with store.session() as s:
        m = _mirror(store, s)
        # the next full listing: d1 as it was (an older copy: nothing to write), d2 changed
        m.apply(PullBatch(cursor={}, deals=(_rec(_deal("d1"), 5),)), t1)
        m.apply(PullBatch(cursor={}, deals=(_rec(_deal("d2", name="Renamed"), 20),)), t1)
        assert m.forget_unlisted(t1) == 1
        s.commit()
    with store.session() as s:
        m = _mirror(store, s)
        assert [x.deal.id for x in m.load(["d1", "d2", "d3"])] == ["d1", "d2"]
        (d1,) = m.load(["d1"])
        assert [a.id for a in d1.deal.activities] == ["a1"]
        for model in (t.DealActivity, t.DealContact, t.Parked):
            left = {r.deal_id for r in s.query(model).filter(model.connection == "acme")}
            assert "d3" not in left, model
        assert {r.deal_id for r in s.query(t.Parked)} == {"d1"}
        assert {r.deal_id for r in s.query(t.DealContact)} == {"d1", "d2"}
        assert m.forget_unlisted(t1) == 0  # nothing else was left unlisted


def test_ledger_finds_open_tasks_of_deals_the_mirror_does_not_hold_open(
    store: StateStore,
) -> None:
    """``open_task_deals`` asks the mirror in SQL: open deals are skipped, closed, gone and
    re-mapped-closed ones with an open task (or a pending write) are found."""
    from nextadvance.sync.store import _tables as t
    from nextadvance.sync.store._ledger import Ledger

    def row(deal_id: str, kind: str, status: str, written: dict[str, object] | None) -> object:
        return t.LedgerEntry(
            connection="acme",
            idem_key=f"na-{deal_id}-{kind}",
            deal_id=deal_id,
            kind=kind,
            op="create" if kind == "task" else "update",
            status=status,
            payload_hash="h",
            payload={},
            written=written,
            created_at=T0,
            updated_at=T0,
        )

    with store.session() as s:
        m = _mirror(store, s)
        deals = [_rec(_deal(d), 1) for d in ("open1", "open2", "remapped")]
        deals.append(_rec(_deal("won", "closed_won"), 1))
        m.apply(PullBatch(cursor={}, deals=tuple(deals)), T0)
        s.add_all(
            [
                row("open1", "task", "done", {"completed": False}),  # open deal: skipped
                row("open2", "fields", "pending", None),  # open deal: skipped
                row("remapped", "task", "done", {"completed": False}),
                row("won", "task", "done", {"completed": False}),  # closed in the mirror
                row("gone", "task", "done", {"completed": False}),  # not in the mirror
                row("done", "task", "done", {"completed": True}),  # its task is completed
                row("pend", "fields", "pending", None),  # a pending write of a gone deal
                row("fld", "fields", "done", {"x": 1}),  # field rows alone never qualify
                row("other", "task", "done", None),  # never confirmed: nothing open
            ]
        )
        s.flush()
        ledger = Ledger(s, "acme")
        assert ledger.open_task_deals() == ["gone", "pend", "won"]
        assert ledger.open_task_deals(["remapped"]) == ["gone", "pend", "remapped", "won"]
        assert Ledger(s, "other").open_task_deals(["remapped"]) == []


def test_activity_copies_and_read_back_on_each_backend(store: StateStore) -> None:
    """An older copy of an activity is ignored and a newer one replaces it (the stamp read
    back from the stored JSON); activities read back equal to what was pulled, in the order
    of their stored ``at`` text then id, also when a row holds JSON an older version wrote
    (other separators and key order)."""
    zone = timezone(timedelta(hours=-5))

    def act(activity_id: str, subject: str, at: datetime, minutes: int) -> ActivityRecord:
        a = Activity(id=activity_id, kind=ActivityKind.email, at=at, subject=subject)
        return ActivityRecord(activity_id, T0 + timedelta(minutes=minutes), ("d1",), a)

    first = [
        act("a2", "Two", T0 - timedelta(days=1), 10),
        act("a1", "One", T0 - timedelta(days=1), 10),
        # later in time, but its text ("...T05:00:00-05:00") sorts before the UTC ones
        act("a3", "Three", (T0 - timedelta(days=1, hours=-1)).astimezone(zone), 10),
    ]
    with store.session() as s:
        m = _mirror(store, s)
        m.apply(PullBatch(cursor={}, deals=(_rec(_deal("d1"), 1),), activities=tuple(first)), T0)
        m.apply(PullBatch(cursor={}, activities=(act("a1", "stale", T0, 5),)), T0)
        m.apply(PullBatch(cursor={}, activities=(act("a2", "Two, edited", T0, 20),)), T0)
        # a row as an older version stored it: json.dumps of the dict
        old = first[2].activity.model_dump(mode="json")  # type: ignore[union-attr]
        old = {"_modified_at": "2026-11-20T09:10:00+00:00", **old}
        s.execute(
            sa.update(t.Activity)
            .where(t.Activity.connection == "acme", t.Activity.activity_id == "a3")
            .values(data=old)
        )
    with store.session() as s:
        (got,) = _mirror(store, s).load(["d1"])
    want = [first[2].activity, first[1].activity, act("a2", "Two, edited", T0, 20).activity]
    assert got.deal.activities == tuple(want)
