"""The SQLite insert fast path stores exactly what SQLAlchemy's Core insert stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

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
            "crm_values": {"NA_Stalled__c": i % 2 == 1, "n": [1, None], "t": "été"},
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


def test_driver_insert_stores_what_the_core_insert_stores(tmp_path: Path, monkeypatch: Any) -> None:
    """Same rows through both paths (datetimes in other zones, NULLs, JSON text and dicts,
    several chunks): the SQLite files hold the same values, column by column."""
    urls = {}
    for name in ("fast", "core"):
        urls[name] = f"sqlite:///{tmp_path / name}.db"
        store = StateStore.open(urls[name])
        with monkeypatch.context() as m:
            if name == "core":
                m.setattr(_bulk, "_driver_insert", _core_insert)
            with store.session() as s:
                for model, rows in _rows().items():
                    _bulk.write_rows(s, model, rows, [])
                s.commit()
        store.close()
    fast, core = _dump(urls["fast"]), _dump(urls["core"])
    assert fast == core
    assert len(fast["activities"]) == 1201 and fast["deals"][0][-1] == "2026-11-20 09:00:00.000000"


def _core_insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    conn.execute(sa.insert(table), rows)
