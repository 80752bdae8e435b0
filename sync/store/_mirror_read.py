"""The mirror as the engine reads it: open deals with their activities, a chunk at a time.

Deals are read back in id order with keyset paging, so memory is one chunk however big the
org; each is re-staged under the mapping in force (a stage may have been re-mapped since
the pull) and marked ``unmapped`` when the mapping no longer names its pipeline or stage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from nextadvance.core.models import Activity, Deal
from nextadvance.mappings import UNMAPPED_STAGE, map_stage
from nextadvance.mappings import Mapping as MappingSpec

from . import _tables as t
from ._json import activity_from_json

__all__ = ["CHUNK", "MirrorReads", "MirroredDeal"]

#: deals per read (and ids per IN (...) elsewhere in the mirror)
CHUNK = 500

#: a deal row's stored JSON as text (parsed here, and hashed as it is for its digest)
_DATA_TEXT = sa.cast(t.Deal.data, sa.Text).label("data")


@dataclass(frozen=True)
class MirroredDeal:
    """An open deal ready for the engine plus the CRM's current write-back values.

    ``unmapped`` says why the deal cannot be decided (its pipeline or stage is not in the
    mapping in force); its ``deal.stage`` is then ``UNMAPPED_STAGE``.
    """

    deal: Deal
    crm_values: dict[str, Any]
    crm_stage: str | None = None
    unmapped: str | None = None
    #: SHA-256 of the mirror's texts the deal was built from (its row, then its activities
    #: in order): equal digests, equal ``deal`` under one mapping (``run/_reuse.py``)
    digest: str = ""


class MirrorReads:
    """Reads of one connection's mirror in the caller's session."""

    s: Session
    connection: str
    mapping: MappingSpec | None

    def count_open(self) -> int:
        """Open deals in the mirror."""
        return int(
            self.s.scalar(
                sa.select(sa.func.count())
                .select_from(t.Deal)
                .where(t.Deal.connection == self.connection, t.Deal.is_open.is_(True))
            )
            or 0
        )

    def iter_open(self, chunk: int = CHUNK) -> Iterator[list[MirroredDeal]]:
        """Open deals with their activities, in id order, ``chunk`` at a time (bounded memory)."""
        last = ""
        while True:
            rows = list(
                self.s.connection().execute(
                    sa.select(t.Deal.deal_id, _DATA_TEXT, t.Deal.crm_values)
                    .where(
                        t.Deal.connection == self.connection,
                        t.Deal.is_open.is_(True),
                        t.Deal.deal_id > last,
                    )
                    .order_by(t.Deal.deal_id)
                    .limit(chunk)
                )
            )
            if not rows:
                return
            last = rows[-1].deal_id
            yield self._with_activities(rows)

    def load(self, deal_ids: Sequence[str]) -> list[MirroredDeal]:
        """Specific deals (open or not) with their activities, e.g. for ``explain``."""
        ids = list(dict.fromkeys(deal_ids))
        rows = [
            row
            for i in range(0, len(ids), CHUNK)
            for row in self.s.execute(
                sa.select(t.Deal.deal_id, _DATA_TEXT, t.Deal.crm_values).where(
                    t.Deal.connection == self.connection, t.Deal.deal_id.in_(ids[i : i + CHUNK])
                )
            )
        ]
        return self._with_activities(rows)

    def _with_activities(self, rows: Sequence[Any]) -> list[MirroredDeal]:
        """``rows``: (deal_id, data as its stored JSON text, crm_values) rows."""
        ids = [r.deal_id for r in rows]
        acts: dict[str, list[tuple[str, Activity, str]]] = {i: [] for i in ids}
        q = (
            sa.select(
                t.DealActivity.deal_id,
                sa.cast(t.Activity.data, sa.Text),
                t.Activity.data["at"].as_string(),
            )
            .join(
                t.Activity,
                sa.and_(
                    t.Activity.connection == t.DealActivity.connection,
                    t.Activity.activity_id == t.DealActivity.activity_id,
                ),
            )
            .where(t.DealActivity.connection == self.connection, t.DealActivity.deal_id.in_(ids))
        )
        # plain rows from the connection: the ORM's result machinery adds nothing here
        for deal_id, text, at in self.s.connection().execute(q):
            acts[deal_id].append((at or "", activity_from_json(text), text))
        out = []
        for row in rows:
            # in the order of the stored "at" text, then id (as the engine has always had them)
            found = sorted(acts[row.deal_id], key=lambda p: (p[0], p[1].id))
            digest = hashlib.sha256(row.data.encode())
            for _, _, text in found:
                digest.update(b"\x00")
                digest.update(text.encode())
            stored = json.loads(row.data)
            data = {k: v for k, v in stored.items() if not k.startswith("_")}
            deal = Deal.model_validate({**data, "activities": [a for _, a, _ in found]})
            crm_stage = stored.get("_crm_stage")
            deal, unmapped = self._restage(deal, crm_stage)
            out.append(
                MirroredDeal(
                    deal, dict(row.crm_values or {}), crm_stage, unmapped, digest.hexdigest()
                )
            )
        return out

    def _restage(self, deal: Deal, crm_stage: str | None) -> tuple[Deal, str | None]:
        """The deal under the mapping in force (its stage may have been re-mapped since)."""
        if self.mapping is None or crm_stage is None:
            if deal.stage == UNMAPPED_STAGE:
                return deal, "its stage was not mapped when it was pulled"
            return deal, None
        looked = map_stage(self.mapping, deal.pipeline, crm_stage)
        if looked.stage is None:
            return deal.model_copy(update={"stage": UNMAPPED_STAGE}), looked.problem
        if looked.stage != deal.stage:
            deal = deal.model_copy(update={"stage": looked.stage})
        return deal, None
