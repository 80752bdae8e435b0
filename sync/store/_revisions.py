"""Whether a state store is at the newest migration, without loading Alembic.

Every run opens the store, and nearly every time it is already migrated.  Alembic's own
answer (its script directory and migration context) costs importing Alembic, Mako and
Pygments and loading every revision module: a few hundred milliseconds of each run's
start, spent to learn that nothing is to do.  Here the head is read from the revision
files' own ``revision = "..."`` / ``down_revision = ...`` lines and the store's revision
from the ``alembic_version`` table.  Anything this reading does not cover with certainty (a
merge revision, a file it cannot parse, several heads, several stamped rows) gives ``None``
and the caller asks Alembic, as it always did.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import sqlalchemy as sa

__all__ = ["VERSION_TABLE", "simple_head", "stamped_revision"]

#: Alembic's default version table (``migrations/env.py`` keeps the default)
VERSION_TABLE = "alembic_version"

_REVISION = re.compile(r'^revision = "([^"\\]+)"$', re.MULTILINE)
_DOWN = re.compile(r'^down_revision = (?:None|"([^"\\]+)")$', re.MULTILINE)


@cache
def simple_head(versions: Path) -> str | None:
    """The one head of the linear chain of revision files in ``versions``; None when the
    files do not form one plain chain (Alembic then decides)."""
    revisions: dict[str, str | None] = {}
    for path in sorted(versions.glob("*.py")):
        if path.name == "__init__.py":
            continue
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.findall(text), _DOWN.findall(text)
        if len(rev) != 1 or len(down) != 1 or rev[0] in revisions:
            return None
        revisions[rev[0]] = down[0] or None
    parents = [d for d in revisions.values() if d is not None]
    if len(set(parents)) != len(parents) or not set(parents) <= set(revisions):
        return None  # a branch point, or a parent that is not here
    heads = set(revisions) - set(parents)
    if len(heads) != 1 or list(revisions.values()).count(None) != 1:
        return None
    return heads.pop()


def stamped_revision(conn: sa.Connection) -> str | None:
    """The single revision stamped in the store's version table; None when there is no
    table, no row or more than one (Alembic then decides)."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return str(rows[0]) if len(rows) == 1 else None
