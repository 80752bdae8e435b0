"""State store: migrations, sessions and run locks on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from nextadvance.core.errors import StateError
from nextadvance.sync.store._db import StateStore, normalise_url, redact_url
from nextadvance.sync.store._lock import ConnectionLocked
from nextadvance.sync.store._tables import Base, LedgerEntry, Lock

EXPECTED_TABLES = {
    "activities",
    "conflicts",
    "connections",
    "contacts",
    "cursors",
    "deal_activities",
    "deal_contacts",
    "deals",
    "ledger",
    "locks",
    "parked",
    "rejects",
    "runs",
}


def test_open_applies_migrations_to_head(store: StateStore) -> None:
    """Opening a new store creates every table and records the head revision."""
    names = set(sa.inspect(store.engine).get_table_names())
    assert names >= EXPECTED_TABLES
    assert store.current_revision() == store.head_revision() is not None


def test_migrations_match_the_models(store: StateStore) -> None:
    """The shipped migrations build exactly the columns the SQLAlchemy models declare."""
    insp = sa.inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        got = {c["name"] for c in insp.get_columns(table.name)}
        assert got == {c.name for c in table.columns}, table.name


def test_upgrade_twice_is_harmless(store_url: str) -> None:
    """Re-opening an up-to-date store (every start does) changes nothing and keeps data."""
    first = StateStore.open(store_url)
    now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    with first.session() as s:
        s.add(
            LedgerEntry(
                connection="acme",
                idem_key="k1",
                deal_id="d1",
                kind="task",
                op="create",
                status="pending",
                payload_hash="h",
                payload={"subject": "Ask for the pilot"},
                written=None,
                created_at=now,
                updated_at=now,
            )
        )
    first.close()
    again = StateStore.open(store_url)
    with again.session() as s:
        row = s.scalars(sa.select(LedgerEntry)).one()
    assert row.payload == {"subject": "Ask for the pilot"}
    assert row.created_at == now  # time zone survives the round trip, also on SQLite
    again.close()


def test_second_lock_is_refused_at_once(store: StateStore) -> None:
    """While one run holds a connection's lock, another gets ConnectionLocked immediately."""
    with store.lock("acme"):
        other = store.lock("acme")
        with pytest.raises(ConnectionLocked, match="acme"):
            other.acquire()
        with store.lock("beta"):  # other connections are independent
            pass
    with store.lock("acme"):  # released on exit
        pass


def test_session_rolls_back_on_error(store: StateStore) -> None:
    """A failing block leaves nothing behind: mirror and cursor commit together or not at all."""
    now = datetime.now(UTC)
    with pytest.raises(RuntimeError), store.session() as s:
        s.add(
            LedgerEntry(
                connection="acme",
                idem_key="k2",
                deal_id="d1",
                kind="task",
                op="create",
                status="pending",
                payload_hash="h",
                payload={},
                written=None,
                created_at=now,
                updated_at=now,
            )
        )
        s.flush()
        raise RuntimeError("crash between mirror and cursor")
    with store.session() as s:
        assert s.scalars(sa.select(LedgerEntry)).all() == []


def test_unreachable_store_is_a_state_error() -> None:
    """A PostgreSQL URL nobody listens on fails with a StateError that hides the password."""
    with pytest.raises(StateError) as err:
        StateStore.open("postgresql://na:hunter2@127.0.0.1:1/nextadvance")
    assert "hunter2" not in str(err.value)


def test_url_normalisation_and_redaction() -> None:
    """postgres:// URLs use the shipped psycopg 3 driver; passwords never print."""
    assert normalise_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert "p@" not in redact_url("postgresql+psycopg://u:secretpw@h/db")
    assert "secretpw" not in redact_url("postgresql+psycopg://u:secretpw@h/db")


def test_lock_of_a_killed_holder_is_taken_over(tmp_path: Path) -> None:
    """A SQLite lock whose holder process died on this host is taken at once, not after the lease."""
    store = StateStore.open(f"sqlite:///{tmp_path / 's.db'}")
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = f"{socket.gethostname()}:{int(child.stdout)}:deadbeef"
    later = datetime.now(UTC) + timedelta(hours=1)
    with store.session() as s:
        s.add(Lock(connection="acme", holder=dead, acquired_at=datetime.now(UTC), expires_at=later))
    with store.lock("acme") as lock:
        assert lock.held
    store.close()


def test_a_migration_cut_short_leaves_no_half_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first start killed mid-migration must not leave tables without a revision (the next
    start could never migrate): on SQLite the whole upgrade is one transaction."""
    import sqlite3

    from alembic.operations import Operations

    url = f"sqlite:///{tmp_path / 'state.db'}"
    real = Operations.create_table
    made: list[str] = []

    def create_then_die(self: Operations, name: str, *cols: object, **kw: object) -> object:
        if len(made) == 3:
            raise KeyboardInterrupt("killed mid-migration")
        made.append(name)
        return real(self, name, *cols, **kw)

    monkeypatch.setattr(Operations, "create_table", create_then_die)
    with pytest.raises(KeyboardInterrupt):
        StateStore.open(url)
    assert len(made) == 3  # three tables were created before the 'kill'
    with sqlite3.connect(tmp_path / "state.db") as raw:
        left = raw.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    assert left == []
    monkeypatch.setattr(Operations, "create_table", real)
    store = StateStore.open(url)
    assert set(sa.inspect(store.engine).get_table_names()) >= EXPECTED_TABLES
    store.close()
