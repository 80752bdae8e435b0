"""What a CRM connector does the same way on every CRM: wiring and the protocol's plumbing.

Each connector checks it has a mapping, runs every call through one
:class:`~nextadvance.connectors._transport.Caller` (its session refreshes the token, the
:class:`~nextadvance.connectors._transport.QuotaGuard` reads the CRM's quota header, token
requests count as calls), and hands ``pull``/``apply``/``find_tasks`` to its reader and
writer.  Only ``stages``, ``describe``, failure classification and the reader/writer
themselves are CRM-specific.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, Self

from nextadvance.connectors._base import (
    Budget,
    ConnectorConfig,
    Cursor,
    PullBatch,
    System,
    TaskState,
    WriteOp,
    WriteResult,
)
from nextadvance.connectors._guard import guarded_pull
from nextadvance.connectors._plan import ReadPlan
from nextadvance.connectors._session_common import TokenSession
from nextadvance.connectors._stats import CallStats
from nextadvance.connectors._transport import Caller, QuotaGuard, RollingWindow
from nextadvance.core.errors import ConfigError, ConnectorError, Problem
from nextadvance.mappings import crm_model

__all__ = ["CrmConnector", "require_mapping"]


class _Reader(Protocol):
    def pull(self, cursor: Cursor | None) -> Iterator[PullBatch]: ...


class _Writer(Protocol):
    def apply(self, ops: Sequence[WriteOp]) -> list[WriteResult]: ...

    def find_tasks(self, keys: Iterable[str]) -> dict[str, TaskState]: ...


def require_mapping(config: ConnectorConfig, crm: str) -> None:
    """Refuse a config without a mapping (the mapping decides what is read and written)."""
    if config.mapping is None:
        raise ConfigError([Problem(f"a {crm} connector needs a mapping", key_path="mapping")])


class CrmConnector:
    """The CRM-neutral half of a :class:`~nextadvance.connectors.Connector`."""

    system: System
    config: ConnectorConfig
    session: TokenSession[Any]
    quota: QuotaGuard
    caller: Caller
    calls: CallStats
    plan: ReadPlan
    reader: _Reader
    writer: _Writer

    def _connect(
        self,
        config: ConnectorConfig,
        quota_header: str,
        *,
        limiter: RollingWindow | None = None,
        search_limiter: RollingWindow | None = None,
    ) -> None:
        """Build the quota guard and the caller around :attr:`session` and count token calls."""
        self.quota = QuotaGuard(config.limits.max_quota_share, quota_header)
        self.caller = Caller(
            self.system,
            config,
            classify=self._classify,
            refresh=self.session.refresh if self.session.can_refresh else None,
            quota=self.quota,
            limiter=limiter,
            search_limiter=search_limiter,
        )
        self.calls = self.caller.stats
        self.session.on_token_call = lambda status, secs: self.caller.record(
            "oauth.token", status, secs, write=False
        )

    def _classify(self, exc: BaseException, endpoint: str) -> ConnectorError:
        """The error-tree exception for a failure of this CRM's library on ``endpoint``."""
        raise NotImplementedError

    def pull(self, cursor: Cursor | None = None) -> Iterator[PullBatch]:
        """Stream changes since ``cursor`` (see the CRM's ``_reads`` module).

        Data the API does not promise (a null id, a bad stamp) ends the stream with
        FatalRemote naming the problem (:func:`~nextadvance.connectors._guard.guarded_pull`),
        translated here once so no caller has to.
        """
        return guarded_pull(crm_model(self.system).label, self.reader.pull(cursor))

    def apply(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """Batched writes, one result per op."""
        return self.writer.apply(ops)

    def find_tasks(self, keys: Iterable[str]) -> dict[str, TaskState]:
        """Our tasks by idempotency key (batched reads on the key field)."""
        return self.writer.find_tasks(keys)

    def budget(self) -> Budget:
        """Daily API usage from the last quota header the CRM sent."""
        return self.quota.budget()

    @property
    def problems(self) -> list[str]:
        """Records the mapping could not translate (first 200)."""
        return self.plan.problems

    def close(self) -> None:
        """Release the session's client and connections."""
        self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
