"""Deals for a report from a connection's local mirror (what ``nextadvance sync`` pulled).

A report over a connection reads the state store only, never the CRM: it costs no API
calls and works while the CRM is down.  Closed deals are included (velocity and drift need
them), read from the mirror in chunks, and the playbook is the one the connection's sync
runs with (:func:`nextadvance.sync.run._parts.load_parts`), so the report and the CRM tasks
agree on what "learned" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from nextadvance.core import Playbook
from nextadvance.core.models import Deal

from ..config._settings import load_settings
from ..run._parts import load_parts
from ..store import _tables as t
from ..store._db import StateStore
from ..store._mirror import Mirror
from ._feedback import Suggestions, suggestions

__all__ = ["MirrorDeals", "deals_from_mirror"]

_CHUNK = 500


@dataclass(frozen=True)
class MirrorDeals:
    """The mirrored deals of one connection, its playbook, and the store they came from."""

    deals: list[Deal]
    playbook: Playbook
    store: str
    suggestions: Suggestions | None = None


def deals_from_mirror(config: Path | None, connection: str) -> MirrorDeals:
    """Every mirrored deal (open and closed, with activities) of ``connection``, by id.

    Raises ConfigError for an unknown connection or a bad config file (and Mapping/RuleError
    for its mapping or playbook), StateError when the store cannot be read.
    """
    settings = load_settings(config)
    parts = load_parts(settings, connection)
    store = StateStore.open(settings.state_url)
    try:
        with store.session() as s:
            ids = list(
                s.scalars(
                    sa.select(t.Deal.deal_id)
                    .where(t.Deal.connection == parts.connection.name)
                    .order_by(t.Deal.deal_id)
                )
            )
            mirror = Mirror(s, parts.connection.name, lambda _deal: True, parts.mapping)
            deals: list[Deal] = []
            values: list[tuple[str | None, dict[str, object]]] = []
            for i in range(0, len(ids), _CHUNK):
                for m in mirror.load(ids[i : i + _CHUNK]):
                    if m.unmapped is not None:
                        continue  # not decidable under this mapping; the sync lists it
                    deals.append(m.deal)
                    values.append((m.deal.owner, m.crm_values))
        deals.sort(key=lambda d: d.id)
        wb = parts.mapping.writeback.deal
        said = None
        if wb.coach is not None and wb.feedback is not None and wb.feedback.enabled:
            said = suggestions(values, wb.coach.field, wb.feedback.field, wb.feedback.values)
        return MirrorDeals(deals, parts.playbook, store.describe(), said)
    finally:
        store.close()
