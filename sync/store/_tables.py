"""The state store's tables (SQLAlchemy 2), identical on SQLite and PostgreSQL.

Every table is keyed by the connection name first, so one store serves many connections.
Mirror rows keep the canonical JSON of each record (what the engine reads) plus the few
columns we query by.  The write ledger is the heart of exactly-once writes: one row per
managed CRM object (a suggested task, a deal's field set), holding what we intend to send
(``payload``, ``status=pending``) and what the CRM confirmed last (``written``).
Migrations in ``sync/migrations/versions`` must be kept in step with this module.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Activity",
    "Base",
    "Conflict",
    "ConnectionRow",
    "Contact",
    "Cursor",
    "Deal",
    "DealActivity",
    "DealContact",
    "LedgerEntry",
    "Lock",
    "Parked",
    "Reject",
    "Run",
    "UTCDateTime",
]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the state store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of the state store."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON(),
    }


class ConnectionRow(Base):
    """A connection the store has seen, with its CRM kind."""

    __tablename__ = "connections"
    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    crm: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime]


class Cursor(Base):
    """The connector's opaque read position per connection, committed with the mirror."""

    __tablename__ = "cursors"
    connection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class Deal(Base):
    """Mirror of one CRM deal: canonical JSON plus indexed columns.

    ``updated_at`` is the start of the last run whose pull listed the deal (even an older
    copy that changed nothing): after a full listing, the deals without this run's stamp
    are the ones the CRM no longer lists.
    """

    __tablename__ = "deals"
    connection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    deal_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    is_open: Mapped[bool] = mapped_column(index=True)
    stage: Mapped[str | None] = mapped_column(sa.String(64))
    owner: Mapped[str | None] = mapped_column(sa.String(64))
    modified_at: Mapped[datetime | None]
    data: Mapped[dict[str, Any]]
    crm_values: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class Activity(Base):
    """Mirror of one activity (call, meeting, email, task, note) as canonical JSON."""

    __tablename__ = "activities"
    connection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    activity_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    at: Mapped[datetime | None]
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class DealActivity(Base):
    """Which activities belong to which deal (read with the activities, never lost).

    Read by deal through the primary key; found by activity (link deletes, "is it linked")
    through ``ix_deal_activities_activity``, which leads with the connection as those
    queries do (SQLite ignored a one-column index on ``activity_id`` for them and scanned
    the connection's links instead: migration 0003).
    """

    __tablename__ = "deal_activities"
    __table_args__ = (sa.Index("ix_deal_activities_activity", "connection", "activity_id"),)
    connection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    deal_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    activity_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class Contact(Base):
    """Mirror of one contact as canonical JSON."""

    __tablename__ = "contacts"
    connection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contact_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    data: Mapped[dict[str, Any]]


class DealContact(Base):
    """A contact's role on a deal (decision maker, champion, ...)."""

    __tablename__ = "deal_contacts"
    connection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    deal_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contact_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    role: Mapped[str | None] = mapped_column(sa.String(64))


class LedgerEntry(Base):
    """One managed CRM object and the write-ahead state of our last write to it."""

    __tablename__ = "ledger"
    __table_args__ = (sa.UniqueConstraint("connection", "idem_key", name="uq_ledger_key"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    connection: Mapped[str] = mapped_column(sa.String(64), index=True)
    idem_key: Mapped[str] = mapped_column(sa.String(200))
    deal_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    op: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    payload_hash: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]]
    written: Mapped[dict[str, Any] | None]
    crm_id: Mapped[str | None] = mapped_column(sa.String(64))
    observed: Mapped[dict[str, Any] | None]
    observed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    error_code: Mapped[str | None] = mapped_column(sa.String(64))
    error_message: Mapped[str | None] = mapped_column(sa.Text)
    run_id: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    written_at: Mapped[datetime | None]


class Reject(Base):
    """A record the CRM refused, with its code; retried next run."""

    __tablename__ = "rejects"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    connection: Mapped[str] = mapped_column(sa.String(64), index=True)
    run_id: Mapped[int | None]
    record: Mapped[str] = mapped_column(sa.String(200))
    field: Mapped[str | None] = mapped_column(sa.String(200))
    code: Mapped[str | None] = mapped_column(sa.String(64))
    message: Mapped[str] = mapped_column(sa.Text)
    idem_key: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]


class Conflict(Base):
    """A human edit we refused to overwrite: what we wrote, what they made of it."""

    __tablename__ = "conflicts"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    connection: Mapped[str] = mapped_column(sa.String(64), index=True)
    run_id: Mapped[int | None]
    deal_id: Mapped[str] = mapped_column(sa.String(64))
    idem_key: Mapped[str | None] = mapped_column(sa.String(200))
    field: Mapped[str] = mapped_column(sa.String(200))
    ours: Mapped[dict[str, Any] | None]
    theirs: Mapped[dict[str, Any] | None]
    detected_at: Mapped[datetime]


class Run(Base):
    """One run's JSON report: the run history behind ``nextadvance runs``."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    connection: Mapped[str] = mapped_column(sa.String(64), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(sa.String(16))
    dry_run: Mapped[bool] = mapped_column(default=False)
    report: Mapped[dict[str, Any]]


class Parked(Base):
    """A deal a rep parked (reason, until when): no nagging until then."""

    __tablename__ = "parked"
    connection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    deal_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    parked_until: Mapped[date | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime]


class Decided(Base):
    """An open deal's last rendered write-back and the key of what it was made from.

    ``key`` hashes the run's rules (playbook, mapping, code), the deal as the engine read it
    and the time class of ``now`` (``core.time_class``): a run that computes the same key
    uses ``plan`` (``mappings.plan_json``) instead of deciding again (``_decided.py``).
    """

    __tablename__ = "decided"
    connection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    deal_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    parked: Mapped[bool]
    plan: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class Lock(Base):
    """SQLite's per-connection run lock: a row with a lease that expires if its holder died."""

    __tablename__ = "locks"
    connection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(64))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
