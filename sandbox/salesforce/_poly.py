"""Polymorphic lookups (``What``, ``Who``): the ``Name`` pseudo-entity Salesforce resolves them to.

A polymorphic relationship can only reach the fields of ``Name`` (Id, Name, Type, FirstName,
LastName, Alias, UserRoleId); ``What.Type`` is the target's object type and ``What.Amount`` is
an INVALID_FIELD on entity 'Name', as in a real org.  Nested records come back with
``attributes.type`` "Name" and the target's own URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._schema import Field, SObject
from ._store import ID, IS_DELETED, Store

__all__ = ["NAME_ENTITY", "emit_name", "name_getter"]

NAME_ENTITY = SObject("Name", "Name", "000", writable=False)
for _f in (
    Field("Id", "id", 18),
    Field("Name", "string", 255),
    Field("Type", "picklist", 40),
    Field("FirstName", "string", 40),
    Field("LastName", "string", 80),
    Field("Alias", "string", 8),
    Field("UserRoleId", "reference", 18),
):
    NAME_ENTITY.add(_f)


def _value(store: Store, parent: list[Any], table: str, field_name: str) -> Any:
    if field_name == "type":
        return store.schema[table].name
    if field_name == "id":
        return parent[ID]
    col = store.schema[table].col.get(field_name)
    return parent[col] if col is not None and col < len(parent) else None


def name_getter(store: Store, source_col: int, fld: Field) -> Callable[[list[Any]], Any]:
    """A getter for ``<Rel>.<field of Name>`` on rows whose ``source_col`` holds the lookup."""
    tables = store.tables
    field_name = fld.name.lower()
    if field_name == "type":  # from the id's key prefix alone: cheap on big activity tables
        names = {obj.key_prefix: obj.name for obj in store.schema.values()}
        return lambda row: names.get(row[source_col][:3]) if row[source_col] else None

    def get(row: list[Any]) -> Any:
        ref_id = row[source_col]
        if ref_id is None:
            return None
        table = store.table_of(ref_id)
        parent = tables[table].get(ref_id) if table else None
        if table is None or parent is None or parent[IS_DELETED]:
            return None
        return _value(store, parent, table, field_name)

    return get


def emit_name(
    store: Store, parent: list[Any], table: str, names: list[str], base: str
) -> dict[str, Any]:
    """The nested ``Name`` record for a polymorphic lookup's target."""
    type_name = store.schema[table].name
    rec: dict[str, Any] = {"attributes": {"type": "Name", "url": f"{base}{type_name}/{parent[ID]}"}}
    for name in names:
        rec[name] = _value(store, parent, table, name.lower())
    return rec
