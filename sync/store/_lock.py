"""One run per connection at a time, across processes and machines.

PostgreSQL: ``pg_try_advisory_lock`` on a dedicated session; the server drops it when the
holder's connection dies, so a killed run never leaves a stale lock.  SQLite: a row in
``locks`` with a lease; a holder that died stops renewing and its lease expires.  A run
renews its lease at every checkpoint (:meth:`RunLock.renew`), and a second run finds the
lock taken and exits at once with :class:`ConnectionLocked` (exit code 3).  A holder that
was killed on the same host (its pid is gone) is replaced at once instead of waiting for
the lease to expire.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from types import TracebackType

import sqlalchemy as sa

from nextadvance.core.errors import StateError

from ._tables import Lock, UTCDateTime

__all__ = ["ConnectionLocked", "RunLock", "make_lock"]


class ConnectionLocked(StateError):
    """Another run holds this connection's lock; this run must not start."""

    def __init__(self, connection: str, detail: str = "") -> None:
        msg = f"connection '{connection}' is being synced by another run"
        super().__init__(f"{msg} ({detail}); exiting" if detail else f"{msg}; exiting")
        self.connection = connection


class RunLock:
    """Base of the two lock kinds; a context manager that acquires and releases."""

    def __init__(self, engine: sa.Engine, connection: str, *, lease_s: float) -> None:
        self.engine = engine
        self.connection = connection
        self.lease_s = lease_s
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.held = False

    def acquire(self) -> None:
        """Take the lock or raise :class:`ConnectionLocked` immediately (never wait)."""
        raise NotImplementedError

    def renew(self, *, force: bool = False) -> None:
        """Keep the lock alive during a long run (cheap; throttled unless ``force``)."""

    def release(self) -> None:
        """Give the lock back (also safe when not held)."""
        raise NotImplementedError

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def make_lock(engine: sa.Engine, connection: str, *, lease_s: float) -> RunLock:
    """The right lock for the store's backend."""
    if engine.dialect.name == "postgresql":
        return _AdvisoryLock(engine, connection, lease_s=lease_s)
    return _LeaseLock(engine, connection, lease_s=lease_s)


def _advisory_key(connection: str) -> int:
    digest = hashlib.blake2b(f"nextadvance:{connection}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class _AdvisoryLock(RunLock):
    def __init__(self, engine: sa.Engine, connection: str, *, lease_s: float) -> None:
        super().__init__(engine, connection, lease_s=lease_s)
        self._conn: sa.Connection | None = None

    def acquire(self) -> None:
        conn = self.engine.connect()
        try:
            got = conn.execute(
                sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": _advisory_key(self.connection)}
            ).scalar_one()
            conn.commit()
        except sa.exc.SQLAlchemyError as exc:
            conn.close()
            raise StateError(f"cannot lock connection '{self.connection}': {exc}") from None
        if not got:
            conn.close()
            raise ConnectionLocked(self.connection, "PostgreSQL advisory lock held")
        self._conn = conn
        self.held = True

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(
                sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _advisory_key(self.connection)}
            )
            self._conn.commit()
        except sa.exc.SQLAlchemyError:
            pass  # closing the session releases it anyway
        finally:
            self._conn.close()
            self._conn = None
            self.held = False


class _LeaseLock(RunLock):
    def __init__(self, engine: sa.Engine, connection: str, *, lease_s: float) -> None:
        super().__init__(engine, connection, lease_s=lease_s)
        self._renewed = 0.0

    def acquire(self) -> None:
        now = datetime.now(UTC)
        until = now + timedelta(seconds=self.lease_s)
        row = None
        try:
            with self.engine.begin() as conn:
                taken = conn.execute(
                    sa.update(Lock)
                    .where(Lock.connection == self.connection, Lock.expires_at < now)
                    .values(holder=self.holder, acquired_at=now, expires_at=until)
                ).rowcount
                if not taken:
                    exists = sa.exists().where(Lock.connection == self.connection)
                    taken = conn.execute(
                        sa.insert(Lock).from_select(
                            ["connection", "holder", "acquired_at", "expires_at"],
                            sa.select(
                                sa.literal(self.connection),
                                sa.literal(self.holder),
                                sa.literal(now, UTCDateTime()),
                                sa.literal(until, UTCDateTime()),
                            ).where(~exists),
                        )
                    ).rowcount
                if not taken:
                    row = conn.execute(
                        sa.select(Lock.holder, Lock.expires_at).where(
                            Lock.connection == self.connection
                        )
                    ).one_or_none()
        except sa.exc.IntegrityError:
            taken = 0  # another process inserted the row between our check and insert
        except sa.exc.SQLAlchemyError as exc:
            raise StateError(f"cannot lock connection '{self.connection}': {exc}") from None
        if not taken and row is not None and _dead_here(row[0]):
            taken = self._take_over(row[0], now, until)
        if not taken:
            detail = f"held by {row[0]} until {row[1]:%Y-%m-%d %H:%M:%S} UTC" if row else ""
            raise ConnectionLocked(self.connection, detail)
        self.held = True
        self._renewed = time.monotonic()

    def _take_over(self, dead: str, now: datetime, until: datetime) -> int:
        """Replace a holder that died on this machine (killed runs need not wait out the lease)."""
        with self.engine.begin() as conn:
            return conn.execute(
                sa.update(Lock)
                .where(Lock.connection == self.connection, Lock.holder == dead)
                .values(holder=self.holder, acquired_at=now, expires_at=until)
            ).rowcount

    def renew(self, *, force: bool = False) -> None:
        if not self.held:
            return
        if not force and time.monotonic() - self._renewed < self.lease_s / 4:
            return
        until = datetime.now(UTC) + timedelta(seconds=self.lease_s)
        with self.engine.begin() as conn:
            n = conn.execute(
                sa.update(Lock)
                .where(Lock.connection == self.connection, Lock.holder == self.holder)
                .values(expires_at=until)
            ).rowcount
        if not n:
            self.held = False
            raise StateError(
                f"lost the lock of connection '{self.connection}' (lease expired and another "
                "run took it); stopping before writing anything else"
            )
        self._renewed = time.monotonic()

    def release(self) -> None:
        if not self.held:
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    sa.delete(Lock).where(
                        Lock.connection == self.connection, Lock.holder == self.holder
                    )
                )
        finally:
            self.held = False


def _dead_here(holder: str) -> bool:
    """Whether ``holder`` (``host:pid:nonce``) is a process on this host that no longer runs."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed child not yet reaped still has a pid; /proc says it is a zombie (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
