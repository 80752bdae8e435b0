"""The read plan in SOQL terms: exactly the fields the mapping needs, plus bookkeeping."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from nextadvance.connectors._base import TaskState
from nextadvance.connectors._plan import ReadPlan as _ReadPlan
from nextadvance.connectors._plan import get_path
from nextadvance.connectors.salesforce._links import is_link
from nextadvance.core.models import Activity, Deal
from nextadvance.mappings import path_getter

__all__ = ["ReadPlan"]

_BOOK = ("Id", "SystemModstamp", "IsDeleted")


def _select(fields: list[str]) -> str:
    seen: dict[str, None] = {}
    for name in fields:
        seen.setdefault(name, None)
    return ", ".join(seen)


class ReadPlan(_ReadPlan):
    """Salesforce flavour: SELECT lists and WhatId links."""

    def deal_select(self) -> str:
        """Opportunity fields: mapped ones, account fields, our write-back fields."""
        mapped = list(self.mapping.deal_read_fields(include_account=True))
        return _select([*_BOOK, *mapped, *self.writeback])

    def ocr_select(self) -> str:
        """OpportunityContactRole fields the contact mapping reads."""
        return _select([*_BOOK, "OpportunityId", *self.mapping.contact_read_fields()])

    def activity_select(self, obj: str) -> str:
        """Task/Event fields (plus our task key, status and due date on Task)."""
        return _select([*_BOOK, *(f for f in self.activity_fields(obj) if not is_link(f))])

    def deal_link(self, obj: str) -> str | None:
        """The field linking an activity to its Opportunity (WhatId); None when a link object
        does (``ContentDocumentLink.LinkedEntityId``, see :meth:`links`)."""
        deal = self.mapping.activities[obj].deal
        return None if is_link(deal) else deal

    def links(self, obj: str) -> tuple[str | None, list[str]]:
        """(deal link path, contact link paths) read through link objects for ``obj``."""
        spec = self.mapping.activities[obj]
        deal = spec.deal if is_link(spec.deal) else None
        return deal, [p for p in spec.contacts if is_link(p)]

    def plain_contacts(self, obj: str, record: Mapping[str, Any]) -> list[str]:
        """Contact ids from the activity's own fields (``WhoId``)."""
        paths = [p for p in self.mapping.activities[obj].contacts if not is_link(p)]
        values = (get_path(record, p) for p in paths)
        return [str(v) for v in values if v]

    @property
    def task_object(self) -> str | None:
        task = self.task
        return task.object if task else None

    @property
    def task_key_field(self) -> str:
        task = self.task
        return task.key if task else ""

    def translate_deal(self, record: Mapping[str, Any], roles: list[dict[str, Any]]) -> Deal | None:
        return self.deal(record, self.contacts(roles))

    def activity_deal(self, obj: str) -> Callable[[Mapping[str, Any]], str | None] | None:
        """Reads the Opportunity id an activity record of ``obj`` holds in its deal link
        (its path resolved once, for every record of a pull); None when a link object
        carries the link instead."""
        link = self.deal_link(obj)
        if not link:
            return None
        read = path_getter(link)

        def deal_id(record: Mapping[str, Any]) -> str | None:
            value = read(record)
            return str(value) if value and str(value).startswith("006") else None

        return deal_id

    def translate_activity(
        self,
        obj: str,
        record: Mapping[str, Any],
        now: datetime,
        contact_ids: list[str] | None = None,
    ) -> Activity | None:
        return self.activity(obj, record, now, contact_ids)

    def sf_task_state(self, record: Mapping[str, Any], stamp: datetime | None) -> TaskState | None:
        task = self.task
        deal = get_path(record, task.deal) if task and task.deal else None
        return self.task_state(record, str(record["Id"]), stamp, str(deal) if deal else None)
