"""Bulk reads and writes of mirror rows with SQLAlchemy Core (no ORM instance per row).

A full sync mirrors every deal, contact and activity of the org.  Building an ORM object per
row (identity map, attribute events, unit-of-work flush) cost more time and memory than the
rows themselves; here rows are plain dicts sent as one ``executemany`` per chunk, and
lookups return only the columns the caller compares.

On SQLite the inserts skip SQLAlchemy's per-row parameter machinery too (a full sync inserts
~200k rows at 10k deals): the statement is compiled once per table and column set, each
value goes through the column type's own bind processor (so the stored text is what the
Core path stores), and the rows go to the driver as one ``executemany`` of tuples.  Other
backends (PostgreSQL) keep the Core path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

__all__ = ["CHUNK", "delete_in", "lookup", "write_rows"]

#: ids per IN (...) lookup and rows per executemany
CHUNK = 500


def lookup(
    s: Session, model: Any, id_col: Any, connection: str, ids: Sequence[str], *cols: Any
) -> dict[str, tuple[Any, ...]]:
    """``cols`` of the rows of ``ids`` that exist, by id (a tuple per row)."""
    out: dict[str, tuple[Any, ...]] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = list(ids[i : i + CHUNK])
        q = sa.select(id_col, *cols).where(model.connection == connection, id_col.in_(chunk))
        for row in s.connection().execute(q):
            out[row[0]] = tuple(row[1:])
    return out


def write_rows(
    s: Session, model: Any, new: list[dict[str, Any]], changed: list[dict[str, Any]]
) -> None:
    """Insert ``new`` rows and update ``changed`` ones by primary key, in chunks."""
    # Inserts go straight to the connection against the table: the ORM's bulk path would
    # re-map every dict (a full sync inserts a row per activity); updates keep the ORM's
    # update-by-primary-key (incremental runs, a few rows).
    conn = s.connection()
    if new and conn.dialect.name == "sqlite":
        _driver_insert(conn, model.__table__, new)
    else:
        insert = sa.insert(model.__table__)
        for i in range(0, len(new), CHUNK):
            conn.execute(insert, new[i : i + CHUNK])
    for i in range(0, len(changed), CHUNK):
        s.execute(sa.update(model), changed[i : i + CHUNK])


def delete_in(s: Session, model: Any, connection: str, column: Any, ids: Sequence[str]) -> None:
    """Delete the rows of ``connection`` whose ``column`` is one of ``ids``, in chunks.

    Mirror tables are never loaded as ORM objects, so there is no session state to
    synchronise: the statement goes straight to the connection.
    """
    conn = s.connection()
    table = model.__table__
    for i in range(0, len(ids), CHUNK):
        chunk = list(ids[i : i + CHUNK])
        conn.execute(sa.delete(table).where(table.c.connection == connection, column.in_(chunk)))


def update_in(
    s: Session, model: Any, connection: str, column: Any, ids: Sequence[str], **values: Any
) -> None:
    """Set ``values`` on the rows of ``connection`` whose ``column`` is one of ``ids``, in
    chunks (straight to the connection, as :func:`delete_in`)."""
    conn = s.connection()
    table = model.__table__
    for i in range(0, len(ids), CHUNK):
        chunk = list(ids[i : i + CHUNK])
        conn.execute(
            sa.update(table)
            .where(table.c.connection == connection, column.in_(chunk))
            .values(**values)
        )


def _driver_insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) as driver-level ``executemany`` in chunks."""
    sql, keys, procs = _compiled_insert(conn.dialect, table, tuple(rows[0]))
    columns = [(k, _last_value(p)) for k, p in zip(keys, procs, strict=True)]
    for i in range(0, len(rows), CHUNK):
        params = [tuple(p(row[k]) for k, p in columns) for row in rows[i : i + CHUNK]]
        conn.exec_driver_sql(sql, params)


@lru_cache(maxsize=64)
def _compiled_insert(
    dialect: sa.Dialect, table: sa.Table, keys: tuple[str, ...]
) -> tuple[str, tuple[str, ...], tuple[Callable[[Any], Any] | None, ...]]:
    """The positional INSERT for ``keys`` of ``table``, its parameter order and the bind
    processor of each parameter's column (None: the value goes to the driver as it is)."""
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ())
    if sorted(order) != sorted(keys):
        raise ValueError(f"insert into {table.name}: parameters {order} for keys {keys}")
    procs = tuple(table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in order)
    return str(compiled), order, procs


def _last_value(proc: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """``proc`` remembering its last argument: rows of one batch share values such as the
    run's ``updated_at`` (bind processors are pure, the values immutable or unchanged
    while one statement's parameters are built)."""
    if proc is None:
        return _same
    last: list[Any] = [_MISSING, None]

    def process(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, proc(value)
        return last[1]

    return process


_MISSING = object()


def _same(value: Any) -> Any:
    return value
