"""Bulk reads and writes of mirror rows with SQLAlchemy Core (no ORM instance per row).

A full sync mirrors every deal, contact and activity of the org.  Building an ORM object per
row (identity map, attribute events, unit-of-work flush) cost more time and memory than the
rows themselves; here rows are plain tuples in the order of a tuple of column keys, sent as
one ``executemany`` per chunk, and lookups return only the columns the caller compares.

On SQLite the writes skip SQLAlchemy's per-row parameter machinery too (a full sync writes
~200k rows at 10k deals): the statement is compiled once per table and column set and the
rows go to the driver as one ``executemany`` of tuples.  Each value still goes through its
column type's own bind processor, so the stored text is what the Core path stores; the
processors run a column at a time, and not at all where the result is known without them
(a column of one shared value is processed once; JSON text the mirror made already, see
``_json.RawJSON``, is the processor's own output).  Other backends (PostgreSQL) keep the
Core and ORM paths, which batch rows in their own way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ._json import RawJSON
from ._tables import UTCDateTime

__all__ = ["CHUNK", "Row", "delete_in", "insert_rows", "lookup", "update_in", "update_rows"]

#: ids per IN (...) lookup and rows per executemany
CHUNK = 500

#: one row to write: its values in the order of the ``keys`` given with it
Row = tuple[Any, ...]


def lookup(
    s: Session, model: Any, id_col: Any, connection: str, ids: Sequence[str], *cols: Any
) -> dict[str, tuple[Any, ...]]:
    """``cols`` of the rows of ``ids`` that exist, by id (a tuple per row).

    On SQLite the query is compiled once per table and columns (pass the same column
    expressions each time: they key the cache) and each chunk of ids goes to the driver as
    it is: a full sync looks up every pulled record, and expanding ``IN (...)`` of 500 ids
    per statement in SQLAlchemy cost twice what SQLite spent answering it.
    """
    out: dict[str, tuple[Any, ...]] = {}
    conn = s.connection()
    plan = (
        _lookup_plan(conn.dialect, model, id_col, cols) if conn.dialect.name == "sqlite" else None
    )
    if plan is not None:
        for i in range(0, len(ids), CHUNK):
            chunk = list(ids[i : i + CHUNK])
            # padded with its last id to the one compiled length (IN ignores repeats)
            chunk += chunk[-1:] * (CHUNK - len(chunk))
            for row in conn.exec_driver_sql(plan.sql, plan.params(connection, chunk)):
                out[row[0]] = plan.values(row)
        return out
    for i in range(0, len(ids), CHUNK):
        chunk = list(ids[i : i + CHUNK])
        q = sa.select(id_col, *cols).where(model.connection == connection, id_col.in_(chunk))
        for row in conn.execute(q):
            out[row[0]] = tuple(row[1:])
    return out


@dataclass(frozen=True)
class _Lookup:
    """A compiled positional lookup of :data:`CHUNK` ids: its parameters with the fixed ones
    filled in (a JSON path, say), where the connection and each id go, and the result
    processor of each looked-up column."""

    sql: str
    fixed: tuple[Any, ...]
    connection_at: int
    id_at: tuple[int, ...]
    processors: tuple[Processor | None, ...]

    def params(self, connection: str, ids: Sequence[str]) -> tuple[Any, ...]:
        out = list(self.fixed)
        out[self.connection_at] = connection
        for at, value in zip(self.id_at, ids, strict=True):
            out[at] = value
        return tuple(out)  # a tuple: one row of parameters, not many

    def values(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if proc is None else proc(value)
            for value, proc in zip(row[1:], self.processors, strict=True)
        )


@lru_cache(maxsize=32)
def _lookup_plan(
    dialect: sa.Dialect, model: Any, id_col: Any, cols: tuple[Any, ...]
) -> _Lookup | None:
    """The SELECT of :func:`lookup` with one parameter per id, compiled once; None when the
    connection or the ids would need a bind processor (SQLAlchemy's path then)."""
    ours = ["c", *(f"i{k}" for k in range(CHUNK))]
    stmt = sa.select(id_col, *cols).where(
        model.connection == sa.bindparam("c"),
        id_col.in_([sa.bindparam(name) for name in ours[1:]]),
    )
    compiled = stmt.compile(dialect=dialect)
    order = list(compiled.positiontup or ())
    if len(set(order)) != len(order) or not set(ours) <= set(order):
        return None
    fixed: list[Any] = []
    for name in order:
        bind = compiled.binds[name]
        proc = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if name in ours:
            if proc is not None:
                return None
            fixed.append(None)
        else:
            value = compiled.params[name]
            fixed.append(value if proc is None else proc(value))
    processors = tuple(
        c.type.dialect_impl(dialect).result_processor(dialect, None)
        for c in list(stmt.selected_columns)[1:]
    )
    where = {name: i for i, name in enumerate(order)}
    return _Lookup(
        str(compiled),
        tuple(fixed),
        where["c"],
        tuple(where[name] for name in ours[1:]),
        processors,
    )


def insert_rows(s: Session, model: Any, keys: tuple[str, ...], rows: Sequence[Row]) -> None:
    """Insert ``rows`` (values in the order of ``keys``) in chunks."""
    if not rows:
        return
    conn = s.connection()
    table = model.__table__
    if conn.dialect.name == "sqlite":
        _driver_many(conn, _compiled(conn.dialect, table, keys, update=False), rows)
        return
    # Inserts go straight to the connection against the table: the ORM's bulk path would
    # re-map every dict (a full sync inserts a row per activity).
    insert = sa.insert(table)
    for i in range(0, len(rows), CHUNK):
        conn.execute(insert, [dict(zip(keys, row, strict=True)) for row in rows[i : i + CHUNK]])


def update_rows(s: Session, model: Any, keys: tuple[str, ...], rows: Sequence[Row]) -> None:
    """Update ``rows`` by primary key (``keys`` name every primary key column; each row's
    other values are set).  A row that is not there is an error, as the ORM's bulk update
    by primary key has it (:class:`StaleDataError`)."""
    if not rows:
        return
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        plan = _compiled(conn.dialect, model.__table__, keys, update=True)
        matched = _driver_many(conn, plan, rows)
        if matched != len(rows):
            raise StaleDataError(
                f"UPDATE statement on table '{model.__table__.name}' expected to update "
                f"{len(rows)} row(s); {matched} were matched."
            )
        return
    # incremental runs update a few rows: the ORM's update by primary key
    for i in range(0, len(rows), CHUNK):
        s.execute(
            sa.update(model), [dict(zip(keys, row, strict=True)) for row in rows[i : i + CHUNK]]
        )


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


Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Plan:
    """A compiled positional statement and how a row becomes its parameters.

    ``columns``: per parameter, the index of its value in a row and the column's bind
    processor (None: the value goes to the driver as it is); ``raw_json``: per parameter,
    whether the processor hands :class:`RawJSON` back unchanged (JSON text made already).
    ``identity``: the parameters are the rows as they are (same order, no processor).
    """

    sql: str
    columns: tuple[tuple[int, Processor | None], ...]
    raw_json: tuple[bool, ...]
    identity: bool


def _driver_many(conn: sa.Connection, plan: _Plan, rows: Sequence[Row]) -> int:
    """Run ``plan`` once per row as driver-level ``executemany`` in chunks; rows matched."""
    matched = 0
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i : i + CHUNK]
        if plan.identity:
            params: Sequence[Row] = list(chunk)
        else:
            values = list(zip(*chunk, strict=True))
            params = list(
                zip(
                    *(
                        _processed(values[j], proc, raw)
                        for (j, proc), raw in zip(plan.columns, plan.raw_json, strict=True)
                    ),
                    strict=True,
                )
            )
        matched += conn.exec_driver_sql(plan.sql, params).rowcount
    return matched


def _processed(values: tuple[Any, ...], proc: Processor | None, raw_json: bool) -> Sequence[Any]:
    """One column's values through its bind processor, skipping what needs no call."""
    if proc is None:
        return values
    if raw_json and set(map(type, values)) == {RawJSON}:
        return values  # the processor would hand each back as it is
    first = values[0]
    if len(set(map(id, values))) == 1:
        # one value shared by every row (a run's ``updated_at``): processors are pure
        return [proc(first)] * len(values)
    return list(map(proc, values))


@lru_cache(maxsize=64)
def _compiled(
    dialect: sa.Dialect, table: sa.Table, keys: tuple[str, ...], *, update: bool
) -> _Plan:
    """The positional INSERT of ``keys`` of ``table``, or its UPDATE by primary key, and
    the parameter plan of a row."""
    index = {k: i for i, k in enumerate(keys)}
    if len(index) != len(keys):
        raise ValueError(f"{table.name}: repeated keys {keys}")
    if update:
        pk = [c.key for c in table.primary_key.columns]
        if not set(pk) <= set(keys) or set(pk) == set(keys):
            raise ValueError(f"update of {table.name}: keys {keys} for primary key {pk}")
        stmt: Any = (
            sa.update(table)
            .where(*(table.c[k] == sa.bindparam(f"pk_{k}") for k in pk))
            .values({k: sa.bindparam(k) for k in keys if k not in pk})
        )
        compiled = stmt.compile(dialect=dialect)
    else:
        compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(keys))
    order = tuple(k.removeprefix("pk_") if update else k for k in compiled.positiontup or ())
    if sorted(order) != sorted(keys):
        raise ValueError(f"{table.name}: parameters {order} for keys {keys}")
    columns = tuple(
        (
            index[k],
            _fast(
                table.c[k].type,
                table.c[k].type.dialect_impl(dialect).bind_processor(dialect),
                dialect,
            ),
        )
        for k in order
    )
    probe = RawJSON("{}")
    raw_json = tuple(
        isinstance(table.c[k].type, sa.JSON) and proc is not None and proc(probe) is probe
        for k, (_, proc) in zip(order, columns, strict=True)
    )
    identity = order == keys and all(proc is None for _, proc in columns)
    return _Plan(str(compiled), columns, raw_json, identity)


def _fast(type_: Any, proc: Processor | None, dialect: sa.Dialect) -> Processor | None:
    """``proc``, or a quicker function that gives the same text: on SQLite a
    :class:`UTCDateTime` is the UTC time as ISO text with microseconds (one C call where
    the processors make a naive copy and format it field by field).  The quick function
    is used only if it agrees with ``proc`` on sample values, and hands anything but an
    aware ``datetime`` to ``proc`` (which rejects a naive one)."""
    if proc is None or dialect.name != "sqlite" or not isinstance(type_, UTCDateTime):
        return proc
    general = proc

    def utc_text(value: Any) -> Any:
        if type(value) is datetime and value.tzinfo is not None:
            return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]
        return general(value)

    if all(utc_text(v) == proc(v) for v in _DATETIME_SAMPLES):
        return utc_text
    return proc


_DATETIME_SAMPLES = (
    None,
    datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 30, 5, 120, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    datetime(2025, 1, 1, 0, 0, 0, 999, tzinfo=timezone(timedelta(hours=-11))),
)
