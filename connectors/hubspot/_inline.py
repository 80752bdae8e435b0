"""Associations read inline with the list pages, v4 reads only where an inline list falls short.

``GET /crm/v3/objects/{type}?associations=companies,contacts`` returns each record's
associated ids as ``associations.{type}.results = [{"id", "type"}]``: one row per link type
(``deal_to_company`` marks the primary company and every company also has a
``deal_to_company_unlabeled`` row; a custom label such as a buying role appears under its
internal name, e.g. ``decision_maker``).  Since January 2021 a list holds at most 100 rows;
a longer one carries ``paging.next`` and is cut off.  Search and batch read take no
``associations`` at all, so incremental pages keep the v4 batch reads.  See
docs/connectors.md (HubSpot, "Associations inline") for the sources.

:class:`LinkReader` turns inline lists into the v4 shape the reader already uses
(``{"toObjectId", "associationTypes": [{"typeId", "label"}]}``), and reads with v4 only the
records whose list was cut off or names a label it cannot resolve.  Label names are resolved
with the portal's association definitions (two calls), fetched once per pull and only when a
list actually names a custom label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nextadvance.connectors.hubspot._api import HubSpotApi

__all__ = ["DEFINED_TYPES", "LinkReader", "inline_rows"]

#: HubSpot-defined inline type names and their association type ids (hubspot-api-python
#: ``AssociationType``: DEAL_TO_CONTACT 3, PRIMARY_DEAL_TO_COMPANY 5, DEAL_TO_COMPANY 341;
#: the engagement -> deal defaults).  Unlabelled: their label is None.
DEFINED_TYPES: dict[str, int] = {
    "deal_to_contact": 3,
    "deal_to_company": 5,
    "deal_to_company_unlabeled": 341,
    "call_to_deal": 206,
    "email_to_deal": 210,
    "meeting_to_deal": 212,
    "note_to_deal": 214,
    "task_to_deal": 216,
}


def inline_rows(row: dict[str, Any], to_obj: str) -> list[dict[str, Any]] | None:
    """A record's inline ``{"id", "type"}`` rows for ``to_obj``; None when cut off.

    A type with no associations is absent from the answer: that is an empty list.
    """
    member = ((row.get("associations") or {}).get(to_obj)) or {}
    if (member.get("paging") or {}).get("next"):
        return None
    return list(member.get("results") or [])


class LinkReader:
    """Association targets per record: inline where complete, v4 batch reads otherwise."""

    def __init__(self, api: HubSpotApi) -> None:
        self.api = api
        self._labels: dict[tuple[str, str], dict[str, str | None]] = {}
        #: Records read with v4 because their inline list fell short (for tests and logs).
        self.fallbacks = 0

    def reset(self) -> None:
        """Forget the label definitions: each pull reads them afresh (labels can change)."""
        self._labels = {}

    def links(
        self,
        from_obj: str,
        to_obj: str,
        rows: Sequence[dict[str, Any]],
        *,
        inline: bool,
        labels: bool = False,
    ) -> dict[str, list[dict[str, Any]]]:
        """record id -> ``[{"toObjectId", "associationTypes"}]`` for ``rows``.

        ``inline`` says the rows came from a list page that asked for ``to_obj``;
        ``labels`` that custom label names must be resolved (deal -> contact roles).
        """
        ids = [str(r["id"]) for r in rows]
        if not inline:
            return self.api.associations(from_obj, to_obj, ids) if ids else {}
        out: dict[str, list[dict[str, Any]]] = {}
        short: list[str] = []
        for row in rows:
            rid = str(row["id"])
            got = inline_rows(row, to_obj)
            targets = None if got is None else self._targets(from_obj, to_obj, got, labels)
            if targets is None:
                short.append(rid)
            else:
                out[rid] = targets
        if short:
            self.fallbacks += len(short)
            out.update(self.api.associations(from_obj, to_obj, short))
        return out

    def target_ids(
        self, from_obj: str, to_obj: str, rows: Sequence[dict[str, Any]], *, inline: bool
    ) -> dict[str, tuple[str, ...]]:
        """record id -> associated ids in first-seen order: :meth:`links` without labels,
        cut to the ids (an engagement needs only its deals; one per record of a pull)."""
        if not inline:
            return _ids(self.links(from_obj, to_obj, rows, inline=False))
        out: dict[str, tuple[str, ...]] = {}
        short: list[dict[str, Any]] = []
        for row in rows:
            got = inline_rows(row, to_obj)
            if got is None:
                short.append(row)
            else:  # as _targets groups them, without the association types nobody reads
                out[str(row["id"])] = tuple(dict.fromkeys(str(item["id"]) for item in got))
        if short:
            out.update(_ids(self.links(from_obj, to_obj, short, inline=True)))
        return out

    def _targets(
        self, from_obj: str, to_obj: str, got: list[dict[str, Any]], labels: bool
    ) -> list[dict[str, Any]] | None:
        """Inline rows grouped per target in v4 shape; None if a label name is unknown."""
        by_target: dict[str, list[dict[str, Any]]] = {}
        for item in got:
            name = str(item.get("type") or "")
            type_id = DEFINED_TYPES.get(name)
            label: str | None = None
            if labels and type_id is None:
                names = self._label_names(from_obj, to_obj)
                if name not in names:
                    return None  # a label we cannot name: read this record with v4
                label = names[name]
            by_target.setdefault(str(item["id"]), []).append({"typeId": type_id, "label": label})
        return [{"toObjectId": t, "associationTypes": a} for t, a in by_target.items()]

    def _label_names(self, from_obj: str, to_obj: str) -> dict[str, str | None]:
        key = (from_obj, to_obj)
        if key not in self._labels:
            self._labels[key] = self.api.association_labels(from_obj, to_obj)
        return self._labels[key]


def _ids(links: dict[str, list[dict[str, Any]]]) -> dict[str, tuple[str, ...]]:
    return {rid: tuple(str(t["toObjectId"]) for t in targets) for rid, targets in links.items()}
