"""The state store: open a database (SQLite or PostgreSQL), migrate it, hand out sessions.

One URL picks the backend: ``sqlite:///path/state.db`` (zero set-up default) or
``postgresql+psycopg://user@host/db`` (teams, scale-out).  Alembic migrations are applied on
open, so an upgraded nextadvance just works on an old store; ``nextadvance db upgrade`` does
the same explicitly (e.g. as an init container).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from nextadvance.core.errors import ConfigError, Problem, StateError

from ._json import dumps as json_dumps
from ._lock import RunLock, make_lock
from ._revisions import simple_head, stamped_revision

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["StateStore", "StoreBusy", "normalise_url", "redact_url"]

#: How long a process waits for another one holding a SQLite store (creating it, say).
BUSY_WAIT_S = 30.0


class StoreBusy(StateError):
    """Another process kept the SQLite store locked for longer than we wait: like a held
    run lock, this run does not start (exit code 3)."""


_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK_KEY = 0x6E61_6D69_6772  # "namigr": serialises concurrent migrations on PG


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def redact_url(url: str) -> str:
    """The URL with any password masked, safe for logs and messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable state store URL>"


class StateStore:
    """A migrated database plus a session factory and per-connection run locks."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> StateStore:
        """Connect (creating a SQLite file's directory) and apply pending migrations."""
        url = normalise_url(url)
        try:
            parsed = make_url(url)
        except Exception:
            raise StateError(f"invalid state store URL: {redact_url(url)}") from None
        # JSON text the mirror made already (``_json.RawJSON``) is stored as it is
        kwargs: dict[str, Any] = {"json_serializer": json_dumps}
        if parsed.get_backend_name() == "sqlite":
            db = parsed.database
            if db and db != ":memory:":
                folder = Path(db).expanduser().parent
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise ConfigError(
                        [
                            Problem(
                                message=f"cannot create the state store's folder {folder}: "
                                f"{exc.strerror or type(exc).__name__}",
                                key_path="state_url",
                                hint="point state_url (or NEXTADVANCE_STATE_URL) at a folder "
                                "nextadvance may create and write",
                            )
                        ]
                    ) from None
            kwargs["connect_args"] = {"timeout": 30}
        elif parsed.get_backend_name() != "postgresql":
            raise StateError(
                f"unsupported state store {redact_url(url)}: use sqlite:///... or postgresql+psycopg://..."
            )
        else:
            kwargs["pool_pre_ping"] = True
        try:
            engine = sa.create_engine(url, **kwargs)
        except Exception as exc:  # missing driver and the like
            raise StateError(f"cannot use state store {redact_url(url)}: {exc}") from None
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        if migrate:
            store.upgrade()
        return store

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    def _alembic_config(self) -> Config:
        # Alembic (with Mako and Pygments) loads only when a store needs migrating or the
        # revision files are more than a plain chain: see ``_revisions``
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        return cfg

    def head_revision(self) -> str | None:
        """The newest migration shipped with this version of nextadvance."""
        head = simple_head(_MIGRATIONS / "versions")
        if head is not None:
            return head
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def current_revision(self) -> str | None:
        """The migration the database is at (None: empty database)."""
        try:
            with self.engine.connect() as conn:
                stamped = stamped_revision(conn)
                if stamped is not None:
                    return stamped
                from alembic.runtime.migration import MigrationContext

                return MigrationContext.configure(conn).get_current_revision()
        except sa.exc.SQLAlchemyError as exc:
            if _busy(exc):
                raise StoreBusy(
                    f"state store {self.describe()} stayed locked by another process for "
                    f"{BUSY_WAIT_S:.0f} s; not starting"
                ) from None
            raise StateError(f"cannot reach state store {self.describe()}: {_short(exc)}") from None

    def upgrade(self) -> str | None:
        """Apply pending migrations (idempotent; concurrent starts on PostgreSQL serialise)."""
        head = self.head_revision()
        if self.current_revision() == head:
            return head
        from alembic import command

        cfg = self._alembic_config()
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "sqlite":
                    # pysqlite runs DDL outside any transaction unless one was begun by hand:
                    # a run killed mid-migration left half a schema that no later run could
                    # migrate ("table activities already exists").  One explicit transaction
                    # makes the whole upgrade atomic and serialises concurrent first starts.
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                if conn.dialect.name == "postgresql":
                    conn.execute(
                        sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY}
                    )
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except sa.exc.SQLAlchemyError as exc:
            # Two runs opening a new SQLite store at once (duplicate schedulers): the loser's
            # CREATE TABLE meets the winner's tables; wait for the winner instead of failing.
            if self.dialect == "sqlite" and self._wait_for_revision(head):
                return head
            raise StateError(
                f"cannot migrate state store {self.describe()}: {_short(exc)}"
            ) from None
        return head

    def _wait_for_revision(self, head: str | None, timeout_s: float = 30.0) -> bool:
        """Whether another process brings the store to ``head`` within ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if self.current_revision() == head:
                    return True
            except StoreBusy:
                raise
            except StateError:
                pass
            time.sleep(0.2)
        return False

    def describe(self) -> str:
        """The store's URL without its password."""
        return redact_url(self.engine.url.render_as_string(hide_password=False))

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except sa.exc.SQLAlchemyError as exc:
                s.rollback()
                raise StateError(f"state store error: {_short(exc)}") from exc
            except BaseException:
                s.rollback()
                raise

    def new_session(self) -> Session:
        """An unmanaged session (the caller commits or rolls back), for dry runs."""
        return self._sessions()

    def lock(self, connection: str, *, lease_s: float = 600.0) -> RunLock:
        """The run lock of ``connection`` (not yet acquired): use ``with store.lock(name):``."""
        return make_lock(self.engine, connection, lease_s=lease_s)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Busy timeout first, then WAL mode, waiting for a process that holds a new store.

    Switching a brand-new store to WAL needs it unlocked, and SQLite answers "database is
    locked" at once (no busy handler) while another process is still creating it in the
    rollback-journal mode; so the switch is retried until :data:`BUSY_WAIT_S` has passed.
    """
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_WAIT_S * 1000)}")
        deadline = time.monotonic() + BUSY_WAIT_S
        pause = 0.02
        while True:
            try:
                cur.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
    finally:
        cur.close()


def _busy(exc: BaseException) -> bool:
    """Whether a database error means another process holds the SQLite file locked."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "database is locked" in text or "database is busy" in text


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__
