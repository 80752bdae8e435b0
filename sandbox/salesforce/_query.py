"""SOQL execution: field resolution against the schema, a compiled predicate, ordering, output.

A parsed :class:`~._soql.Query` is compiled once into closures over row columns (a WHERE
clause costs one Python call per row), served from an index when it pins a parent id
(``WhatId IN (...)``, ``Id = ...``) and from the table's own (SystemModstamp, Id) order when
ORDER BY asks for exactly that.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from ._dates import date_range
from ._poly import NAME_ENTITY, emit_name, name_getter
from ._schema import Field, SObject
from ._soql import DATE_LIT, DATETIME_LIT, QUOTED, Cond, DateLiteral, Query, SoqlError, error_at
from ._store import ID, IS_DELETED, STAMP, Store, fmt_datetime, parse_datetime, to18

__all__ = ["Compiled", "compile_query", "execute"]

Row = list[Any]
Getter = Callable[[Row], Any]
_NUMERIC = {"int", "double", "currency", "percent"}
_IDS = {"id", "reference"}
_STRINGY = {"string", "textarea", "picklist", "combobox", "email", "url", "phone", "multipicklist"}


@dataclass
class _Node:
    """Output shape for one object level: its own fields and nested relationships."""

    obj: SObject
    fields: list[tuple[str, int, bool]]  # (name, column, is datetime)
    rels: dict[str, tuple[str, int, _Node]]  # lower rel -> (RelName, ref column, node)


@dataclass
class Compiled:
    """A query ready to run repeatedly against the store."""

    obj: SObject
    count: bool
    pred: Callable[[Row], bool] | None
    order: list[tuple[Getter, bool, bool]]
    natural_order: bool
    limit: int | None
    offset: int
    root: _Node
    probe: tuple[int, list[Any]] | None  # (indexed column, values) to fetch candidates


def _invalid_field(q: Query, pos: int, name: str, entity: str) -> SoqlError:
    detail = (
        f"No such column '{name}' on entity '{entity}'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference your "
        "WSDL or the describe call for the appropriate names."
    )
    return SoqlError("INVALID_FIELD", error_at(q.text, pos, detail))


class _Compiler:
    def __init__(self, q: Query, store: Store) -> None:
        self.q = q
        self.store = store
        self.schema = store.schema
        obj = self.schema.get(q.sobject.lower())
        if obj is None:
            raise SoqlError(
                "INVALID_TYPE",
                error_at(
                    q.text,
                    q.sobject_pos,
                    f"sObject type '{q.sobject}' is not supported. If you are attempting to use a "
                    "custom object, be sure to append the '__c' after the entity name. Please "
                    "reference your WSDL or the describe call for the appropriate names.",
                ),
            )
        self.obj = obj

    def resolve(self, path: str, pos: int) -> tuple[Getter, Field, list[tuple[Field, SObject]]]:
        """A getter for ``path`` plus the final field and the relationship hops taken.

        A polymorphic lookup (``What``) resolves the final field on whichever of its target
        types the referenced record has; the field must exist on the first target.
        """
        parts = path.split(".")
        if len(parts) > 1 and parts[0].lower() == self.obj.name.lower():
            parts = parts[1:]
        obj = self.obj
        hops: list[tuple[Field, SObject]] = []
        for rel in parts[:-1]:
            ref = next(
                (f for f in obj.fields.values() if (f.relationship or "").lower() == rel.lower()),
                None,
            )
            if ref is None:
                raise _invalid_field(self.q, pos, path if not hops else rel, obj.name)
            hops.append((ref, obj))
            obj = self.schema[ref.reference_to[0].lower()]
        poly = [i for i, (ref, _) in enumerate(hops) if len(ref.reference_to) > 1]
        if poly:
            ref, source = hops[poly[0]]
            name_field = NAME_ENTITY.get(parts[-1])
            if poly[0] != len(hops) - 1 or name_field is None:
                raise _invalid_field(self.q, pos, parts[-1], "Name")
            getter0 = name_getter(self.store, source.col[ref.name.lower()], name_field)
            for depth in range(len(hops) - 2, -1, -1):
                getter0 = self._hop(hops[depth][0], hops[depth][1], getter0)
            out = [(r, self.schema[r.reference_to[0].lower()]) for r, _ in hops[:-1]]
            return getter0, name_field, [*out, (ref, NAME_ENTITY)]
        fld = obj.get(parts[-1])
        if fld is None:
            raise _invalid_field(self.q, pos, path, self.obj.name if not hops else obj.name)
        getter: Getter = itemgetter(obj.col[fld.name.lower()])
        for depth in range(len(hops) - 1, -1, -1):
            getter = self._hop(hops[depth][0], hops[depth][1], getter)
        return getter, fld, [(ref, self.schema[ref.reference_to[0].lower()]) for ref, _ in hops]

    def _hop(self, ref: Field, source: SObject, inner: Getter) -> Getter:
        """Follow a (single-type) lookup to its parent row, then apply ``inner``."""
        col = source.col[ref.name.lower()]
        table = self.store.tables[ref.reference_to[0].lower()]

        def get(row: Row) -> Any:
            ref_id = row[col]
            parent = table.get(ref_id) if ref_id is not None else None
            if parent is None or parent[IS_DELETED]:
                return None
            return inner(parent)

        return get

    def node(self) -> _Node:
        root = _Node(self.obj, [], {})
        for path, pos in self.q.fields:
            _, fld, hops = self.resolve(path, pos)
            node = root
            for ref, target in hops:
                key = (ref.relationship or "").lower()
                if key not in node.rels:
                    node.rels[key] = (
                        ref.relationship or "",
                        node.obj.col[ref.name.lower()],
                        _Node(target, [], {}),
                    )
                node = node.rels[key][2]
            col = -1 if node.obj is NAME_ENTITY else node.obj.col[fld.name.lower()]
            if all(name != fld.name for name, _, _ in node.fields):
                node.fields.append((fld.name, col, fld.type == "datetime"))
        return root

    def literal(self, cond: Cond, fld: Field, value: Any) -> Any:
        """Convert a literal to the field's internal form, or refuse as Salesforce does."""
        if value is None:
            return None
        kind = fld.type
        want = {"datetime": "dateTime", "date": "date", "boolean": "boolean"}.get(
            kind, "number" if kind in _NUMERIC else "string"
        )

        def bad() -> SoqlError:
            quotes = (
                "should be enclosed in quotes"
                if want == "string"
                else "should not be enclosed in quotes"
            )
            return SoqlError(
                "INVALID_FIELD" if want != "string" else "MALFORMED_QUERY",
                error_at(
                    self.q.text,
                    cond.pos,
                    f"value of filter criterion for field '{fld.name}' must be of type {want} and {quotes}",
                ),
            )

        if isinstance(value, DateLiteral):
            if kind not in ("date", "datetime"):
                raise bad()
            return date_range(value, kind)
        if kind == "datetime":
            if isinstance(value, DATETIME_LIT):
                return parse_datetime(value)
            if isinstance(value, DATE_LIT):
                return parse_datetime(value + "T00:00:00Z")
            raise bad()
        if kind == "date":
            if isinstance(value, DATE_LIT):
                return str(value)
            raise bad()
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            raise bad()
        if kind in _NUMERIC:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            raise bad()
        if isinstance(value, QUOTED):
            return to18(str(value)) if kind in _IDS else str(value).lower()
        raise bad()

    def cond(self, c: Cond) -> Callable[[Row], bool]:
        if c.op in ("and", "or"):
            parts = [self.cond(a) for a in c.args]
            if c.op == "and":
                return lambda r: all(p(r) for p in parts)
            return lambda r: any(p(r) for p in parts)
        if c.op == "not":
            inner = self.cond(c.args[0])
            return lambda r: not inner(r)
        getter, fld, _ = self.resolve(c.field, c.pos)
        lower = fld.type in _STRINGY
        get: Getter = getter
        if lower:

            def get(r: Row, g: Getter = getter) -> Any:
                v = g(r)
                return v.lower() if isinstance(v, str) else v

        if c.op in ("in", "not in"):
            values = {self.literal(c, fld, v) for v in c.value}
            if c.op == "in":
                return lambda r: get(r) in values
            return lambda r: get(r) not in values
        if c.op == "like":
            if fld.type in _IDS or fld.type == "multipicklist":
                kind = "id" if fld.type in _IDS else fld.type
                raise SoqlError(
                    "INVALID_QUERY_FILTER_OPERATOR",
                    error_at(self.q.text, c.pos, f"invalid operator on {kind} field"),
                )
            pattern = "".join(
                ".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in str(c.value)
            )
            rx = re.compile(pattern, re.IGNORECASE | re.DOTALL)
            return lambda r: (v := getter(r)) is not None and rx.fullmatch(str(v)) is not None
        value = self.literal(c, fld, c.value)
        return _compare(c.op, get, value)


def _compare(op: str, get: Getter, value: Any) -> Callable[[Row], bool]:
    if isinstance(value, tuple):  # a date range [start, end)
        lo, hi = value
        tests: dict[str, Callable[[Any], bool]] = {
            "=": lambda v: lo <= v < hi,
            "!=": lambda v: not lo <= v < hi,
            "<": lambda v: v < lo,
            "<=": lambda v: v < hi,
            ">": lambda v: v >= hi,
            ">=": lambda v: v >= lo,
        }
        test = tests[op]
        return lambda r: (v := get(r)) is not None and test(v)
    if op == "=":
        return lambda r: get(r) == value
    if op == "!=":
        return lambda r: get(r) != value
    if value is None:
        return lambda r: False
    if op == "<":
        return lambda r: (v := get(r)) is not None and v < value
    if op == "<=":
        return lambda r: (v := get(r)) is not None and v <= value
    if op == ">":
        return lambda r: (v := get(r)) is not None and v > value
    return lambda r: (v := get(r)) is not None and v >= value


def _probe(c: Cond | None, obj: SObject, store: Store) -> tuple[int, list[Any]] | None:
    """An indexed equality/IN on a plain column that every result must satisfy."""
    if c is None:
        return None
    if c.op == "and":
        for arg in c.args:
            found = _probe(arg, obj, store)
            if found is not None:
                return found
        return None
    if c.op not in ("=", "in") or "." in c.field:
        return None
    fld = obj.get(c.field)
    if fld is None or (fld.type not in _IDS and not fld.external_id):
        return None
    col = obj.col[fld.name.lower()]
    if col != ID and not store.indexed(obj.name.lower(), col):
        return None
    values = c.value if c.op == "in" else [c.value]
    if not all(isinstance(v, QUOTED) for v in values):
        return None
    if fld.type in _IDS:
        return col, [to18(str(v)) for v in values]
    return col, [str(v) for v in values]


def compile_query(q: Query, store: Store) -> Compiled:
    """Resolve every field of ``q`` against the schema (raising INVALID_FIELD like the org)."""
    comp = _Compiler(q, store)
    root = comp.node() if not q.count else _Node(comp.obj, [], {})
    pred = comp.cond(q.where) if q.where is not None else None
    order: list[tuple[Getter, bool, bool]] = []
    for path, desc, nulls_first, pos in q.order:
        getter, fld, _ = comp.resolve(path, pos)
        if fld.type in _STRINGY:
            getter = (lambda g: lambda r: v.lower() if isinstance(v := g(r), str) else v)(getter)
        order.append((getter, desc, nulls_first))
    names = [(p.split(".")[-1].lower(), d) for p, d, _, _ in q.order]
    natural = not names or names in (
        [("systemmodstamp", False)],
        [("systemmodstamp", False), ("id", False)],
    )
    natural = natural and all("." not in p for p, *_ in q.order)
    return Compiled(
        comp.obj,
        q.count,
        pred,
        order,
        natural,
        q.limit,
        q.offset,
        root,
        _probe(q.where, comp.obj, store),
    )


def _sort_key(getter: Getter, flag_none: int) -> Callable[[Row], tuple[int, Any]]:
    """Sort key putting nulls first (flag 0) or last (flag 1) without comparing None."""

    def key(row: Row) -> tuple[int, Any]:
        v = getter(row)
        return (flag_none, None) if v is None else (1 - flag_none, v)

    return key


def execute(c: Compiled, store: Store, include_deleted: bool) -> list[Row]:
    """The matching rows, ordered, with OFFSET and LIMIT applied."""
    name = c.obj.name.lower()
    if c.probe is not None:
        col, values = c.probe
        if col == ID:
            found = [store.get(name, v) for v in values]
            rows = [r for r in found if r is not None]
        else:
            rows = [r for v in values for r in store.lookup(name, col, v)]
        rows = list({r[ID]: r for r in rows}.values())
        rows.sort(key=lambda r: (r[STAMP], r[ID]))
    else:
        rows = store.rows(name)
    pred = c.pred
    if include_deleted:
        if pred is not None:
            rows = [r for r in rows if pred(r)]
    elif pred is not None:
        rows = [r for r in rows if not r[IS_DELETED] and pred(r)]
    else:
        rows = [r for r in rows if not r[IS_DELETED]]
    if not c.natural_order:
        for getter, desc, nulls_first in reversed(c.order):
            flag_none = 0 if nulls_first != desc else 1
            rows.sort(
                key=_sort_key(getter, flag_none),
                reverse=desc,
            )
    if c.offset:
        rows = rows[c.offset :]
    if c.limit is not None:
        rows = rows[: c.limit]
    return rows


def emitter(c: Compiled, store: Store, version: str) -> Callable[[Row], dict[str, Any]]:
    """A function turning a row into the JSON record Salesforce returns for this SELECT."""
    base = f"/services/data/v{version}/sobjects/"
    tables = store.tables
    table_of = store.table_of

    def make(node: _Node) -> Callable[[Row, str], dict[str, Any]]:
        if node.obj is NAME_ENTITY:
            names = [n for n, _, _ in node.fields]
            return lambda row, tname: emit_name(store, row, tname, names, base)
        rels = [(rel_name, col, make(child)) for rel_name, col, child in node.rels.values()]
        type_name = node.obj.name
        url = f"{base}{type_name}/"
        fields = node.fields

        def emit(row: Row, tname: str) -> dict[str, Any]:
            rec: dict[str, Any] = {"attributes": {"type": type_name, "url": url + row[ID]}}
            for fname, col, is_dt in fields:
                v = row[col] if col < len(row) else None
                rec[fname] = fmt_datetime(v) if is_dt and v is not None else v
            for rel_name, col, sub in rels:
                ref_id = row[col]
                pname = table_of(ref_id) if ref_id is not None else None
                parent = tables[pname].get(ref_id) if pname is not None else None
                rec[rel_name] = (
                    None
                    if pname is None or parent is None or parent[IS_DELETED]
                    else sub(parent, pname)
                )
            return rec

        blobs = {f.name for f in node.obj.fields.values() if f.type == "base64"}
        if not any(fname in blobs for fname, _, _ in fields):
            return emit

        def emit_blob_urls(row: Row, tname: str) -> dict[str, Any]:
            """Base64 fields come back as the URL of their body, as in the real API."""
            rec = emit(row, tname)
            for fname, _, _ in fields:
                if fname in blobs and rec.get(fname) is not None:
                    rec[fname] = f"{url}{row[ID]}/{fname}"
            return rec

        return emit_blob_urls

    root = make(c.root)
    root_name = c.obj.name.lower()
    return lambda row: root(row, root_name)
