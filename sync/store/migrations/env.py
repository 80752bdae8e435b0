"""Alembic environment for the state store.

nextadvance runs migrations itself (``StateStore.open`` and ``nextadvance db upgrade``) and
hands Alembic an open connection in ``config.attributes["connection"]``.  Developers creating
a new revision run ``alembic -c sync/migrations/alembic.ini revision --autogenerate -m ...``
with ``NEXTADVANCE_STATE_URL`` pointing at a scratch database.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context

from nextadvance.sync.store._tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the caller's connection, or one made from NEXTADVANCE_STATE_URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = os.environ.get("NEXTADVANCE_STATE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set NEXTADVANCE_STATE_URL to the database to migrate")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
