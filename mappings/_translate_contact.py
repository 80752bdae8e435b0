"""Contact(-role) records into canonical :class:`Contact` s with their canonical role.

Why a translator object: a pull reads two or three contacts per deal, so the contact section
is compiled once (``._access``) into a :class:`ContactTranslator` the connector keeps;
:func:`translate_contact` compiles per call and runs the same code.
"""

from __future__ import annotations

from nextadvance.core.models import Contact
from nextadvance.mappings._access import Lookup, field_getter, path_getter, text
from nextadvance.mappings._model import ContactSpec, Mapping
from nextadvance.mappings._translate import (
    NO_ID,
    Pair,
    Record,
    RecordProblem,
    Translated,
    build,
    record_id_of,
)
from nextadvance.mappings._values import is_empty

__all__ = ["ContactTranslator", "translate_contact"]


def _split(raw: object) -> list[object]:
    if isinstance(raw, list | tuple):
        return list(raw)
    if isinstance(raw, str) and ";" in raw:
        return [part for part in raw.split(";") if part.strip()]
    return [raw]


class ContactTranslator:
    """:func:`translate_contact` for one mapping's contact section, compiled once."""

    def __init__(self, spec: ContactSpec) -> None:
        self.spec = spec
        self._id = path_getter(spec.id)
        self._names = tuple(field_getter(p) for p in spec.name)
        self._title = field_getter(spec.title)
        self._role = path_getter(spec.role)
        self._roles = Lookup(spec.roles)

    def __call__(self, record: Record) -> Translated[Contact]:
        """The canonical contact of ``record`` (see :func:`translate_contact`)."""
        return Translated(*self.pair(record))

    def pair(self, record: Record) -> Pair[Contact]:
        """:meth:`__call__` as a :data:`Pair`."""
        spec = self.spec
        record_id = record_id_of(self._id(record))
        problems: list[RecordProblem] = []
        if record_id == NO_ID:
            message = "record has no contact id"
            problems.append(RecordProblem(spec.object, record_id, spec.id, message, True))
            return None, tuple(problems)
        names = [text(get(record)) for get in self._names]
        role: str | None = None
        raw_role = self._role(record)
        for candidate in _split(raw_role):
            role = self._roles(candidate)
            if role is not None:
                break
        if role is None and not is_empty(raw_role) and spec.default_role is None:
            message = f"role {raw_role!r} is not mapped to a canonical role"
            problems.append(RecordProblem(spec.object, record_id, spec.role, message))
        values = {
            "id": record_id,
            "name": " ".join(n for n in names if n),
            "title": text(self._title(record)),
            "role": role or spec.default_role,
        }
        return build(Contact, values, spec.object, record_id, problems)


def translate_contact(mapping: Mapping, record: Record) -> Translated[Contact]:
    """A canonical :class:`Contact` with its canonical role from a contact(-role) record."""
    spec = mapping.contacts
    if spec is None:
        raise ValueError("this mapping has no 'contacts' section")
    return ContactTranslator(spec)(record)
