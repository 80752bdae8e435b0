"""An opened store that is already migrated is recognised without Alembic, and the quick
reading of the revisions agrees with Alembic's wherever it answers at all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from nextadvance.sync.store._db import _MIGRATIONS, StateStore
from nextadvance.sync.store._revisions import VERSION_TABLE, simple_head, stamped_revision


def _revision(folder: Path, name: str, rev: str, down: str | None) -> None:
    down_text = "None" if down is None else f'"{down}"'
    (folder / f"{name}.py").write_text(
        f'"""{name}"""\n\nrevision = "{rev}"\ndown_revision = {down_text}\n', encoding="utf-8"
    )


def test_the_quick_head_is_alembics_head() -> None:
    """The shipped revision files form a plain chain whose head Alembic names too."""
    cfg = StateStore(sa.create_engine("sqlite://"))._alembic_config()
    alembic_head = ScriptDirectory.from_config(cfg).get_current_head()
    assert simple_head(_MIGRATIONS / "versions") == alembic_head is not None


def test_anything_but_a_plain_chain_is_left_to_alembic(tmp_path: Path) -> None:
    """Two heads, a missing parent or a merge revision: no quick answer."""
    for case, revisions in {
        "chain": [("1", None), ("2", "1"), ("3", "2")],
        "branch": [("1", None), ("2", "1"), ("3", "1")],
        "orphan": [("2", "1"), ("3", "2")],
        "two roots": [("1", None), ("2", None), ("3", "2")],
    }.items():
        folder = tmp_path / case.replace(" ", "_")
        folder.mkdir()
        for rev, down in revisions:
            _revision(folder, f"r{rev}", rev, down)
        assert simple_head(folder) == ("3" if case == "chain" else None), case
    merge = tmp_path / "merge"
    merge.mkdir()
    _revision(merge, "r1", "1", None)
    (merge / "r2.py").write_text('revision = "2"\ndown_revision = ("1", "x")\n', encoding="utf-8")
    assert simple_head(merge) is None


def test_stamped_revision_matches_alembic(store_url: str) -> None:
    """One stamped row is read as Alembic reads it; none, or several, are left to Alembic."""
    store = StateStore.open(store_url)
    try:
        with store.engine.begin() as conn:
            got = stamped_revision(conn)
            assert got == MigrationContext.configure(conn).get_current_revision() is not None
            conn.execute(sa.text(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES ('zz')"))
            assert stamped_revision(conn) is None
            conn.execute(sa.text(f"DROP TABLE {VERSION_TABLE}"))
            assert stamped_revision(conn) is None
    finally:
        store.close()


def test_opening_a_migrated_store_loads_no_alembic(tmp_path: Path) -> None:
    """A run opening a store at head neither imports Alembic nor reads the revisions with
    it; a new store is still migrated (with Alembic) and reports the head."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    code = (
        "import json, sys\n"
        "from nextadvance.sync.store import StateStore\n"
        "s = StateStore.open(sys.argv[1])\n"
        "print(json.dumps([s.current_revision(), s.head_revision(), 'alembic' in sys.modules]))\n"
    )
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", code, url],
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout.splitlines()[-1]
        )
        for _ in range(2)
    ]
    head = simple_head(_MIGRATIONS / "versions")
    assert runs == [[head, head, True], [head, head, False]]
