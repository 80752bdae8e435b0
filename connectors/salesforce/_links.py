"""Link objects: what ties one Salesforce activity to several contacts or deals.

Why: with Shared Activities a Task/Event relates to up to 50 contacts through
``TaskRelation``/``EventRelation`` (``WhoId`` holds only the primary one), and a Lightning
note (``ContentNote``) reaches its deals only through ``ContentDocumentLink``.  A mapping
names such a link as a path whose head is the link object, e.g. ``contacts: [WhoId,
TaskRelation.RelationId]`` or ``deal: ContentDocumentLink.LinkedEntityId``; the reader then
reads the link rows of each page of activities (one query per 200 activities) instead of
selecting the path on the activity itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["LINK_OBJECTS", "is_link", "read_links"]

#: link object -> (field naming the activity, extra condition)
LINK_OBJECTS: dict[str, tuple[str, str]] = {
    "TaskRelation": ("TaskId", " AND IsWhat = false"),
    "EventRelation": ("EventId", " AND IsWhat = false"),
    "ContentDocumentLink": ("ContentDocumentId", ""),
}
_CHUNK = 200

Query = Callable[[str, bool], Iterator[list[dict[str, Any]]]]


def is_link(path: str | None) -> bool:
    """Whether a mapped path is read through a link object."""
    return bool(path) and str(path).split(".", 1)[0] in LINK_OBJECTS and "." in str(path)


def read_links(query: Query, path: str, ids: Sequence[str]) -> dict[str, list[str]]:
    """{activity id: linked ids} for ``path`` (``TaskRelation.RelationId`` ...) over ``ids``."""
    obj, _, field = path.partition(".")
    parent, extra = LINK_OBJECTS[obj]
    out: dict[str, list[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        quoted = ",".join("'" + i.replace("\\", "\\\\").replace("'", "\\'") + "'" for i in chunk)
        sql = f"SELECT {parent}, {field} FROM {obj} WHERE {parent} IN ({quoted}){extra}"
        for page in query(sql, False):
            for rec in page:
                value = rec.get(field)
                if value:
                    out.setdefault(str(rec[parent]), []).append(str(value))
    return out
