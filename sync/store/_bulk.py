"""Bulk reads and writes of mirror rows with SQLAlchemy Core (no ORM instance per row).

A full sync mirrors every deal, contact and activity of the org.  Building an ORM object per
row (identity map, attribute events, unit-of-work flush) cost more time and memory than the
rows themselves; here rows are plain dicts sent as one ``executemany`` per chunk, and
lookups return only the columns the caller compares.
"""

from __future__ import annotations

from collections.abc import Sequence
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
