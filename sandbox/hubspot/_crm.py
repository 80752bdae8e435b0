"""The emulated HubSpot portal's state: records, properties, associations, owners, and the
rules every write follows (validation, stamps, derived deal properties, faults).

Handlers in ``_objects.py`` and ``_meta.py`` translate HTTP into calls on :class:`Portal`;
the world loader and ``mutate`` write through the same methods, so data loaded from the
generator obeys the same invariants as data written by a client.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ._assoc import Associations
from ._catalog import ASSOCIATION_TYPES, PIPELINES, STAGES, Stage
from ._errors import property_errors, validation
from ._schema import OBJECT_TYPES, ObjectType, PropDef, default_properties
from ._store import Record, TypeStore, iso, now_ms, parse_ms

__all__ = ["INLINE_ASSOC_LIMIT", "V4_READ_PAGE", "Owner", "Portal"]

#: Rows of one inline association list (``GET /crm/v3/objects/{type}?associations=``) before
#: HubSpot cuts it off with ``paging.next`` (developer changelog, "Announcing a change to how
#: v3 CRM APIs return association data", 2020-10: "more than 100 associations").
INLINE_ASSOC_LIMIT = 100
#: Target records of one record per page of a v4 association batch read
#: (``POST /crm/v4/associations/{from}/{to}/batch/read``): a longer list carries
#: ``paging.next.after``, sent back beside the record's id for the next page (HubSpot's
#: reference: "The 'after' field in a returned paging object can be added alongside the 'id'
#: to retrieve the next page"; the page size is not documented: 500, the single-record
#: read's largest ``limit``).
V4_READ_PAGE = 500


@dataclass
class Owner:
    """A HubSpot owner (a user who can own records)."""

    id: str
    user_id: int
    email: str
    first_name: str
    last_name: str
    created_ms: int
    #: a deactivated user: listed only with ``archived=true``, not assignable to records
    archived: bool = False


@dataclass
class Group:
    """A property group."""

    name: str
    label: str
    display_order: int = -1


@dataclass
class Portal:
    """Everything stored in one emulated HubSpot account."""

    stores: dict[str, TypeStore] = field(default_factory=dict)
    props: dict[str, dict[str, PropDef]] = field(default_factory=dict)
    groups: dict[str, dict[str, Group]] = field(default_factory=dict)
    assoc: Associations = field(default_factory=Associations)
    owners: list[Owner] = field(default_factory=list)
    datetimes: dict[str, set[str]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    next_id: int = 1_000_001
    #: deal pipelines (id -> label, stages): HubSpot's stock two unless a world adds more
    pipelines: dict[str, tuple[str, list[Stage]]] = field(default_factory=lambda: dict(PIPELINES))
    stages: dict[str, Stage] = field(default_factory=lambda: dict(STAGES))

    def __post_init__(self) -> None:
        for name in OBJECT_TYPES:
            defs = default_properties(name)
            self.props[name] = {p.name: p for p in defs}
            self.datetimes[name] = {p.name for p in defs if p.type in ("datetime", "date")}
            self.groups[name] = {}
            for p in defs:
                self.groups[name].setdefault(p.group, Group(p.group, p.group.title(), 0))
            self.stores[name] = TypeStore(p.name for p in defs if p.unique)

    def add_pipeline(self, pid: str, label: str, stages: list[Stage]) -> None:
        """Define a further deal pipeline (a messy portal has several)."""
        self.pipelines[pid] = (label, stages)
        self.stages.update({s.id: s for s in stages})

    # -- properties -------------------------------------------------------------------
    def add_group(self, type_name: str, name: str, label: str, order: int = -1) -> Group:
        """Create a property group (caller checks for duplicates)."""
        group = self.groups[type_name][name] = Group(name, label, order)
        return group

    def add_property(self, type_name: str, pdef: PropDef) -> None:
        """Define a custom property; unique ones get an index."""
        pdef.created_ms = pdef.created_ms or now_ms()
        self.props[type_name][pdef.name] = pdef
        if pdef.type in ("datetime", "date"):
            self.datetimes[type_name].add(pdef.name)
        if pdef.unique:
            self.stores[type_name].add_unique(pdef.name)

    # -- ids ----------------------------------------------------------------------------
    def allocate(self) -> int:
        """A fresh record id (unique across all types, increasing)."""
        with self.lock:
            rid = self.next_id
            self.next_id += 1
            return rid

    # -- writes -----------------------------------------------------------------------
    def clean(self, t: ObjectType, props: Any) -> dict[str, str | None]:
        """Validate and normalise property values the way HubSpot does; raise 400 if bad."""
        if not isinstance(props, dict):
            raise validation("Invalid input JSON: `properties` must be an object of strings")
        defs = self.props[t.name]
        problems: list[dict[str, Any]] = []
        out: dict[str, str | None] = {}
        for name, raw in props.items():
            pdef = defs.get(name)
            if pdef is None:
                problems.append(
                    _problem(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist')
                )
                continue
            if pdef.calculated:
                msg = f"{name} is a read only property; its value cannot be set."
                problems.append(_problem(name, "READ_ONLY_VALUE", msg))
                continue
            value = _normalise(pdef, raw)
            if value and not self._allowed(t.name, pdef, value):
                msg = f"{value} was not one of the allowed options"
                problems.append(_problem(name, "INVALID_OPTION", msg))
                continue
            if pdef.type in ("datetime", "date") and value and parse_ms(value) is None:
                msg = f"{raw} is not a valid datetime (epoch milliseconds or ISO 8601)"
                problems.append(_problem(name, "INVALID_DATE", msg))
                continue
            out[name] = value
        if problems:
            raise property_errors(problems)
        return out

    def _allowed(self, type_name: str, pdef: PropDef, value: str) -> bool:
        if type_name == "deals" and pdef.name == "dealstage":
            return value in self.stages
        if type_name == "deals" and pdef.name == "pipeline":
            return value in self.pipelines
        if pdef.name == "hubspot_owner_id":
            # a deactivated (archived) owner is no longer an option of the owner property
            return not self.owners or any(o.id == value and not o.archived for o in self.owners)
        if pdef.type != "enumeration" or not pdef.options:
            return True
        allowed = {v for v, _ in pdef.options}
        return all(part in allowed for part in value.split(";"))

    def create(
        self,
        t: ObjectType,
        props: dict[str, str | None],
        at_ms: int | None = None,
        bulk: bool = False,
    ) -> Record:
        """Store a new record with already-cleaned properties."""
        stamp = now_ms() if at_ms is None else at_ms
        if t.name == "deals" and not props.get("pipeline"):
            props = {**props, "pipeline": "default"}
        with self.lock:
            rec = self.stores[t.name].insert(self.allocate(), props, stamp, stamp, bulk)
            if at_ms is None:
                rec.written_s = time.monotonic()
        return rec

    def update(
        self, t: ObjectType, rec: Record, props: dict[str, str | None], at_ms: int | None = None
    ) -> None:
        """Apply cleaned property changes and bump the modification stamp."""
        with self.lock:
            stamp = max(now_ms() if at_ms is None else at_ms, rec.updated_ms)
            self.stores[t.name].update(rec, props, stamp)
            rec.written_s = time.monotonic()

    def archive(self, t: ObjectType, rec: Record) -> None:
        """Archive (soft-delete) a record."""
        with self.lock:
            self.stores[t.name].archive(rec, now_ms())
            rec.written_s = time.monotonic()

    def unique_conflict(
        self, t: ObjectType, props: dict[str, str | None], rid: int | None
    ) -> str | None:
        """The name of a unique property whose value another record already holds."""
        store = self.stores[t.name]
        for name in store.unique:
            val = props.get(name)
            if val:
                other = store.find_unique(name, val)
                if other is not None and other.id != rid:
                    return name
        return None

    # -- reads ------------------------------------------------------------------------
    def value(self, t: ObjectType, rec: Record, name: str) -> str | None:
        """A property value as the API shows it, including stamps and derived values."""
        if name == "hs_object_id":
            return str(rec.id)
        if name == t.created_prop:
            return iso(rec.created_ms)
        if name == t.modified_prop:
            return iso(rec.updated_ms)
        if t.name == "deals" and name in (
            "hs_is_closed",
            "hs_is_closed_won",
            "hs_deal_stage_probability",
        ):
            stage = self.stages.get(self.stores["deals"].value(rec, "dealstage") or "")
            if stage is None:
                return None
            if name == "hs_is_closed":
                return "true" if stage.closed else "false"
            if name == "hs_is_closed_won":
                return "true" if stage.closed and stage.probability >= 1.0 else "false"
            return _num(stage.probability)
        if t.name == "deals" and name == "num_associated_contacts":
            return str(len(self.assoc.targets("deals", rec.id, "contacts")))
        stored = self.stores[t.name].value(rec, name)
        if stored and stored[0].isdigit() and name in self.datetimes[t.name]:
            return iso(int(stored))
        return stored

    def render(self, t: ObjectType, rec: Record, names: list[str] | None) -> dict[str, Any]:
        """A record as ``SimplePublicObject`` JSON with the requested properties."""
        defs = self.props[t.name]
        wanted = list(t.defaults) if not names else [n for n in names if n in defs]
        for stamp in (t.created_prop, t.modified_prop, "hs_object_id"):
            if stamp not in wanted:
                wanted.append(stamp)
        out: dict[str, Any] = {
            "id": str(rec.id),
            "properties": {n: self.value(t, rec, n) for n in wanted},
            "createdAt": iso(rec.created_ms),
            "updatedAt": iso(rec.updated_ms),
            "archived": rec.archived_ms is not None,
        }
        if rec.archived_ms is not None:
            out["archivedAt"] = iso(rec.archived_ms)
        return out

    def render_associations(
        self, t: ObjectType, rec: Record, to_types: list[ObjectType]
    ) -> dict[str, Any]:
        """The v3 ``associations`` member: ids per associated type, one row per link type.

        Each row names its link type the v3 way (``deal_to_company`` for the primary
        company, ``deal_to_company_unlabeled`` for every company, a custom label by its
        internal name, e.g. ``decision_maker``).  Like HubSpot since January 2021, a list
        holds at most :data:`INLINE_ASSOC_LIMIT` rows; a longer one is cut off and carries
        ``paging.next`` (cursor: the last target id shown) -- the rest has to be read with
        the associations endpoints.
        """
        out: dict[str, Any] = {}
        for to in to_types:
            rows = []
            for tid, types in sorted(self.assoc.targets(t.name, rec.id, to.name).items()):
                for type_id in types:
                    a = ASSOCIATION_TYPES.get(type_id)
                    rows.append({"id": str(tid), "type": a.name if a else str(type_id)})
            if not rows:
                continue
            member: dict[str, Any] = {"results": rows[:INLINE_ASSOC_LIMIT]}
            if len(rows) > INLINE_ASSOC_LIMIT:
                last = rows[INLINE_ASSOC_LIMIT - 1]["id"]
                member["paging"] = {
                    "next": {
                        "after": last,
                        "link": f"/crm/v3/objects/{t.type_id}/{rec.id}/associations/"
                        f"{to.type_id}?after={last}",
                    }
                }
            out[to.name] = member
        return out


def _problem(name: str, code: str, message: str) -> dict[str, Any]:
    return {
        "isValid": False,
        "message": message,
        "error": code,
        "name": name,
        "localizedErrorMessage": message,
    }


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _normalise(pdef: PropDef, raw: Any) -> str | None:
    """A written value as HubSpot stores it: strings; datetimes as ISO; booleans lower-case."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        text = "true" if raw else "false"
    elif isinstance(raw, int | float):
        text = _num(raw) if isinstance(raw, float) else str(raw)
    elif isinstance(raw, str):
        text = raw
    else:
        text = json.dumps(raw)
    if text == "":
        return ""
    if pdef.type in ("datetime", "date"):
        # Stored as epoch-ms digits (cheap to load and compare); shown as ISO by Portal.value.
        ms = parse_ms(text)
        return str(ms) if ms is not None else text
    if pdef.type == "bool":
        return text.lower()
    return text
