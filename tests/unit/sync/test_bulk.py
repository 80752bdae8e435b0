"""The SQLite fast paths store exactly what SQLAlchemy's Core insert and ORM update store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from nextadvance.sync.store import _bulk
from nextadvance.sync.store import _tables as t
from nextadvance.sync.store._db import StateStore
from nextadvance.sync.store._json import RawJSON

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _rows() -> dict[Any, list[dict[str, Any]]]:
    cet = timezone(timedelta(hours=1))
    deals = [
        {
            "connection": "acme",
            "deal_id": f"d{i}",
            "is_open": i % 2 == 0,
            "stage": None if i == 3 else "discovery",
            "owner": "005x" if i % 3 else None,
            "modified_at": None if i == 4 else NOW - timedelta(seconds=i, microseconds=7 * i),
            "data": RawJSON(f'{{"id":"d{i}","name":"\\u00e9t\\u00e9"}}'),
            # a dict, JSON text made already and None, in one column
            "crm_values": (
                None
                if i == 5
                else RawJSON('{"x":1}')
                if i == 6
                else {"NA_Stalled__c": i % 2 == 1, "n": [1, None], "t": "été"}
            ),
            "updated_at": NOW,
        }
        for i in range(7)
    ]
    acts = [
        {
            "connection": "acme",
            "activity_id": f"a{i}",
            "at": None if i == 2 else datetime(2026, 1, 2, 3, 4, 5, 0 if i == 1 else i, cet),
            "data": RawJSON(f'{{"id":"a{i}"}}'),
            "updated_at": NOW,
        }
        for i in range(1201)  # more than two chunks
    ]
    links = [{"connection": "acme", "deal_id": "d1", "activity_id": f"a{i}"} for i in range(9)]
    return {t.Deal: deals, t.Activity: acts, t.DealActivity: links}


def _dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        out = {
            name: sorted(tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {name}"))
            for name in ("deals", "activities", "deal_activities")
        }
    engine.dispose()
    return out


def _tuples(rows: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    keys = tuple(rows[0])
    return keys, [tuple(r[k] for k in keys) for r in rows]


def _changed(rows: list[dict[str, Any]], model: Any) -> list[dict[str, Any]]:
    """Every other row with new values in its other columns (rows of each kind)."""
    pk = {c.key for c in model.__table__.primary_key.columns}
    out = []
    for i, row in enumerate(rows[::2]):
        new = dict(row)
        for k in set(row) - pk:
            if k in ("updated_at", "modified_at", "at"):
                new[k] = None if i == 1 and k != "updated_at" else NOW + timedelta(days=1)
            elif k == "data":
                new[k] = RawJSON(f'{{"v":{i}}}') if i % 2 else {"v": i, "é": None}
            elif k == "is_open":
                new[k] = not row[k]
            else:
                new[k] = None
        out.append(new)
    return out


def test_driver_writes_store_what_core_and_orm_store(tmp_path: Path, monkeypatch: Any) -> None:
    """Same rows through both paths (datetimes in other zones, NULLs, JSON text and dicts,
    shared values, several chunks), inserted and then updated by primary key: the SQLite
    files hold the same values, column by column."""
    urls = {}
    for name in ("fast", "core"):
        urls[name] = f"sqlite:///{tmp_path / name}.db"
        store = StateStore.open(urls[name])
        with store.session() as s:
            for model, rows in _rows().items():
                keys, tuples = _tuples(rows)
                if name == "fast":
                    _bulk.insert_rows(s, model, keys, tuples)
                else:
                    s.connection().execute(sa.insert(model.__table__), rows)
            for model, rows in _rows().items():
                changed = _changed(rows, model)
                if model is t.DealActivity:
                    continue  # nothing but its key
                keys, tuples = _tuples(changed)
                if name == "fast":
                    _bulk.update_rows(s, model, keys, tuples)
                else:
                    s.execute(sa.update(model), changed)
        store.close()
    fast, core = _dump(urls["fast"]), _dump(urls["core"])
    assert fast == core
    assert len(fast["activities"]) == 1201 and fast["deals"][1][-1] == "2026-11-20 09:00:00.000000"
    assert fast["deals"][0][-1] == "2026-11-21 09:00:00.000000"  # updated


def test_driver_update_of_a_missing_row_fails_as_the_orm_does(tmp_path: Path) -> None:
    store = StateStore.open(f"sqlite:///{tmp_path / 's.db'}")
    try:
        with store.session() as s:
            _bulk.insert_rows(
                s, t.Contact, ("connection", "contact_id", "data"), [("acme", "c1", {})]
            )
            try:
                _bulk.update_rows(
                    s,
                    t.Contact,
                    ("connection", "contact_id", "data"),
                    [("acme", "c1", {"a": 1}), ("acme", "c2", {})],
                )
            except StaleDataError:
                pass
            else:
                raise AssertionError("no error for a row that is not there")
            s.rollback()
    finally:
        store.close()


def _core_lookup(s: Any, model: Any, id_col: Any, ids: list[str], *cols: Any) -> dict[str, Any]:
    """What ``lookup`` answered before its SQLite path: SQLAlchemy's own ``IN (...)``."""
    out = {}
    for i in range(0, len(ids), _bulk.CHUNK):
        q = sa.select(id_col, *cols).where(
            model.connection == "acme", id_col.in_(ids[i : i + _bulk.CHUNK])
        )
        out.update({row[0]: tuple(row[1:]) for row in s.connection().execute(q)})
    return out


def test_driver_lookup_answers_what_core_answers(tmp_path: Path) -> None:
    """Ids present and missing, repeated, over several chunks with a short last one, rows
    of another connection beside them: the same rows and values (aware datetimes, NULLs,
    JSON text) as SQLAlchemy's query."""
    store = StateStore.open(f"sqlite:///{tmp_path / 's.db'}")
    stamp = t.Activity.data["id"].as_string()
    try:
        with store.session() as s:
            for model, rows in _rows().items():
                keys, tuples = _tuples(rows)
                _bulk.insert_rows(s, model, keys, tuples)
                other = [("other", *row[1:]) for row in tuples[:5]]
                _bulk.insert_rows(s, model, keys, other)
            acts = [f"a{i}" for i in range(0, 1400, 1)] + ["a7", "zz"]
            deals = ["d0", "d4", "d9", "d1", "d1"]
            for model, id_col, ids, cols in (
                (t.Activity, t.Activity.activity_id, acts, (stamp, t.Activity.at)),
                (t.Deal, t.Deal.deal_id, deals, (t.Deal.modified_at,)),
                (t.Contact, t.Contact.contact_id, ["c1"], ()),
            ):
                got = _bulk.lookup(s, model, id_col, "acme", ids, *cols)
                assert got == _core_lookup(s, model, id_col, ids, *cols)
            got = _bulk.lookup(s, t.Deal, t.Deal.deal_id, "acme", deals, t.Deal.modified_at)
            assert sorted(got) == ["d0", "d1", "d4"] and got["d4"] == (None,)
            assert got["d1"][0] == NOW - timedelta(seconds=1, microseconds=7)
            assert got["d1"][0].tzinfo is not None
            assert len(_bulk.lookup(s, t.Activity, t.Activity.activity_id, "acme", acts)) == 1201
    finally:
        store.close()
