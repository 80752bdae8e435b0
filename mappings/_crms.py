"""What a mapping may name in each CRM's data model: the mapping side of a CRM, in one table.

``mappings`` sits below ``connectors`` (it may not import them), so the facts a mapping check
needs — which activity objects exist, which relationship names lead where, which field types
can hold an output, how long text may be — live here, one :class:`CrmModel` per CRM.  The
connector's ``PROFILE`` (``connectors/<crm>/``) holds the rest and reads its text limits from
here.  Adding a CRM: one entry in :data:`CRM_MODELS` plus ``defaults/<crm>.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nextadvance.core.errors import MappingError, Problem

__all__ = ["CRM_MODELS", "CRM_NAMES", "CrmModel", "crm_model"]


@dataclass(frozen=True)
class CrmModel:
    """One CRM's data model as far as mappings are concerned."""

    name: str
    label: str
    #: Activity objects a mapping may read; None: any object name the CRM describes.
    activity_objects: tuple[str, ...] | None
    #: Relationship name in a field path -> the object it points to (None: polymorphic).
    related: Mapping[str, str | None]
    #: CRM field types that can hold each write-back output type.
    write_types: Mapping[str, frozenset[str]]
    #: Default maximum length per write-back text type (text, picklist, textarea).
    text_limits: Mapping[str, int]
    #: Contact paths that are not fields (read from associations), skipped by live checks.
    virtual_contact_paths: frozenset[str] = field(default_factory=frozenset)

    def text_limit(self, kind: str) -> int:
        """The default maximum length of a ``kind`` output (255 when the CRM names none)."""
        return self.text_limits.get(kind, 255)


CRM_MODELS: dict[str, CrmModel] = {
    "salesforce": CrmModel(
        name="salesforce",
        label="Salesforce",
        activity_objects=None,
        related={"Account": "Account", "Contact": "Contact", "Owner": "User", "What": None},
        write_types={
            "text": frozenset({"string", "textarea", "picklist", "combobox"}),
            "textarea": frozenset({"textarea", "string"}),
            "picklist": frozenset({"picklist", "string", "combobox"}),
            "boolean": frozenset({"boolean"}),
            "date": frozenset({"date", "datetime"}),
            "datetime": frozenset({"datetime"}),
        },
        # Salesforce text 255 / long text 32,000
        text_limits={"text": 255, "picklist": 255, "textarea": 32000},
    ),
    "hubspot": CrmModel(
        name="hubspot",
        label="HubSpot",
        activity_objects=("calls", "meetings", "emails", "notes", "tasks"),
        related={"company": "companies"},
        write_types={
            "text": frozenset({"string", "enumeration"}),
            "textarea": frozenset({"string"}),
            "picklist": frozenset({"enumeration", "string"}),
            "boolean": frozenset({"bool", "enumeration"}),
            "date": frozenset({"date", "datetime"}),
            "datetime": frozenset({"datetime", "date"}),
        },
        # HubSpot single-line text and textarea 65,536
        text_limits={"text": 65536, "picklist": 65536, "textarea": 65536},
        virtual_contact_paths=frozenset({"association_labels"}),
    ),
}

#: The CRMs a mapping can be written for, in the order messages list them.
CRM_NAMES: tuple[str, ...] = tuple(CRM_MODELS)


def crm_model(name: str) -> CrmModel:
    """The model of CRM ``name``; a MappingError naming the known CRMs otherwise."""
    try:
        return CRM_MODELS[name]
    except KeyError:
        raise MappingError(
            [
                Problem(
                    message=f"no shipped mapping for CRM {name!r}", expected=" or ".join(CRM_NAMES)
                )
            ]
        ) from None
