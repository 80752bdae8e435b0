"""Migrations after the first: an old store upgrades with its data, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from nextadvance.sync.store._db import StateStore
from nextadvance.sync.store._tables import Activity, Base, DealActivity


def _at(url: str, revision: str) -> StateStore:
    """A store migrated to ``revision`` only (as an older nextadvance left it)."""
    store = StateStore.open(url, migrate=False)
    cfg = store._alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return store


def _indexes(store: StateStore, table: str) -> dict[str, list[str]]:
    return {
        str(i["name"]): list(i["column_names"])
        for i in sa.inspect(store.engine).get_indexes(table)
        if not i.get("duplicates_constraint")
    }


def test_links_are_found_by_connection_and_activity_after_upgrade(store_url: str) -> None:
    """0003 swaps the one-column ``activity_id`` index of ``deal_activities`` for
    ``(connection, activity_id)``: the links of a store made before it survive the upgrade,
    and the table has exactly the indexes the model declares."""
    old = _at(store_url, "0002")
    assert _indexes(old, "deal_activities") == {"ix_deal_activities_activity_id": ["activity_id"]}
    links = [
        {"connection": "acme", "deal_id": f"d{i % 3}", "activity_id": f"a{i}"} for i in range(9)
    ]
    with old.engine.begin() as conn:
        conn.execute(sa.insert(DealActivity.__table__), links)
    old.close()
    store = StateStore.open(store_url)
    assert store.current_revision() == store.head_revision()
    table = Base.metadata.tables["deal_activities"]
    assert _indexes(store, "deal_activities") == {
        str(i.name): [c.name for c in i.columns] for i in table.indexes
    }
    assert _indexes(store, "deal_activities") == {
        "ix_deal_activities_activity": ["connection", "activity_id"]
    }
    with store.engine.connect() as conn:
        got = conn.execute(sa.select(table.c.connection, table.c.deal_id, table.c.activity_id))
        assert sorted(tuple(r) for r in got) == sorted(tuple(d.values()) for d in links)
    store.close()


def test_sqlite_finds_links_by_activity_through_the_index(tmp_path: Path) -> None:
    """The statements that find links by activity (the mirror's link deletes, the
    prospecting "linked" test) search the new index on SQLite; before 0003 they scanned
    every link of the connection, once per statement (once per activity for the test)."""
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    links = DealActivity.__table__
    acts = Activity.__table__
    linked = (  # as nextadvance.sync.run._prospect.rep_activities asks it
        sa.select(links.c.activity_id)
        .where(links.c.connection == acts.c.connection, links.c.activity_id == acts.c.activity_id)
        .exists()
    )
    statements = [
        sa.delete(links).where(
            links.c.connection == "acme", links.c.activity_id.in_(["a1", "a2", "a3"])
        ),
        sa.select(acts.c.data).where(acts.c.connection == "acme", linked),
    ]
    with store.engine.connect() as conn:
        for stmt in statements:
            compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
            plan = " ".join(
                str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
            )
            assert "ix_deal_activities_activity (connection=? AND activity_id=?)" in plan, plan
    store.close()
