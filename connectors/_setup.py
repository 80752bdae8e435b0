"""What the write-back needs in the CRM, what is missing, and how to create it.

The mapping names our deal fields and the task key; :func:`required_fields` turns them into
field specs, :func:`missing_fields` compares them with ``describe()``.  HubSpot properties can
be created through the API (:func:`create_hubspot_properties`, group ``nextadvance``);
Salesforce custom fields need a metadata deployment, so :func:`write_salesforce_package`
writes a deployable package (``package.xml`` + ``objects/<Object>.object``) for the admin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from nextadvance.connectors._base import Connector, FieldInfo
from nextadvance.connectors._card import CardFields, write_salesforce_card
from nextadvance.core.errors import ConnectorError, RecordRejected
from nextadvance.mappings import Mapping

__all__ = [
    "GROUP",
    "FieldSpec",
    "create_hubspot_properties",
    "missing_fields",
    "required_fields",
    "write_salesforce_package",
]

#: HubSpot property group our properties live in.
GROUP = "nextadvance"
_SF_API_VERSION = "59.0"


@dataclass(frozen=True)
class FieldSpec:
    """One custom field/property the write-back needs."""

    object: str
    name: str
    label: str
    type: str  # text | textarea | boolean | date | datetime | picklist
    length: int | None = None
    unique: bool = False
    options: tuple[str, ...] = ()

    def __str__(self) -> str:
        extra = f", {self.length} chars" if self.length else ""
        uniq = ", unique external id" if self.unique else ""
        return f"{self.object}.{self.name} ({self.type}{extra}{uniq})"


def _label(name: str) -> str:
    base = name.removesuffix("__c").replace("NA_", "").replace("na_", "").replace("_", " ")
    return f"NextAdvance {base.strip().lower()}"


def required_fields(mapping: Mapping) -> list[FieldSpec]:
    """Custom fields/properties the mapping's write-back writes (deal outputs + task key)."""
    out: list[FieldSpec] = []
    wb = mapping.writeback
    for output in type(wb.deal).model_fields:
        spec = getattr(wb.deal, output)
        if spec is None or not spec.enabled:
            continue
        kind = spec.type or "text"
        length = spec.max_length if kind in ("text", "textarea") else None
        options = tuple(dict.fromkeys(spec.values.values())) if kind == "picklist" else ()
        out.append(
            FieldSpec(
                mapping.deal.object, spec.field, _label(spec.field), kind, length, False, options
            )
        )
    task = wb.task
    if task is not None and task.enabled:
        out.append(
            FieldSpec(task.object, task.key_field, "NextAdvance task key", "text", 80, unique=True)
        )
    return out


def missing_fields(
    required: Sequence[FieldSpec], described: dict[str, list[FieldInfo]]
) -> list[FieldSpec]:
    """The required fields ``describe()`` did not list (names compared case-insensitively)."""
    known = {
        obj.casefold(): {f.name.casefold() for f in fields} for obj, fields in described.items()
    }
    return [f for f in required if f.name.casefold() not in known.get(f.object.casefold(), set())]


# -------------------------------------------------------------------------- HubSpot

_HS_TYPES = {
    "text": ("string", "text"),
    "textarea": ("string", "textarea"),
    "picklist": ("string", "text"),
    "boolean": ("bool", "booleancheckbox"),
    "date": ("date", "date"),
    "datetime": ("datetime", "date"),
}


def create_hubspot_properties(connector: Connector, missing: Sequence[FieldSpec]) -> list[str]:
    """Create group ``nextadvance`` and the missing properties; return what was created.

    An existing group or property (409) is not an error: setup can be re-run safely.
    """
    api = getattr(connector, "api", None)
    if api is None or connector.system != "hubspot":
        raise ValueError("create_hubspot_properties needs a HubSpot connector")
    created: list[str] = []
    for obj in dict.fromkeys(f.object for f in missing):
        try:
            api.create_property_group(
                obj, {"name": GROUP, "label": "NextAdvance", "displayOrder": -1}
            )
            created.append(f"{obj} group {GROUP}")
        except RecordRejected:
            pass  # already there
    for spec in missing:
        kind, field_type = _HS_TYPES.get(spec.type, ("string", "text"))
        body: dict[str, object] = {
            "name": spec.name,
            "label": spec.label,
            "type": kind,
            "fieldType": field_type,
            "groupName": GROUP,
            "description": "Written by nextadvance; do not edit by hand.",
        }
        if spec.type == "boolean":
            body["options"] = [
                {"label": "Yes", "value": "true", "displayOrder": 0, "hidden": False},
                {"label": "No", "value": "false", "displayOrder": 1, "hidden": False},
            ]
        if spec.options:  # a dropdown the rep picks from (the coach card's feedback)
            body["type"], body["fieldType"] = "enumeration", "select"
            body["description"] = "Set by reps on the nextadvance coach card; read by the sync."
            body["options"] = [
                {"label": o.capitalize(), "value": o, "displayOrder": i, "hidden": False}
                for i, o in enumerate(spec.options)
            ]
        if spec.unique:
            body["hasUniqueValue"] = True
        try:
            api.create_property(spec.object, body)
            created.append(str(spec))
        except RecordRejected as exc:
            if exc.status != 409:
                raise
        except ConnectorError:
            raise
    return created


# -------------------------------------------------------------------------- Salesforce

_SF_TYPES = {
    "text": "Text",
    "picklist": "Text",
    "textarea": "LongTextArea",
    "boolean": "Checkbox",
    "date": "Date",
    "datetime": "DateTime",
}


def _sf_field(spec: FieldSpec) -> str:
    kind = "Picklist" if spec.options else _SF_TYPES.get(spec.type, "Text")
    lines = [
        "    <fields>",
        f"        <fullName>{escape(spec.name)}</fullName>",
        f"        <label>{escape(spec.label)}</label>",
        f"        <type>{kind}</type>",
        "        <description>Written by nextadvance; do not edit by hand.</description>",
    ]
    if kind == "Text":
        lines.append(f"        <length>{min(spec.length or 255, 255)}</length>")
    if kind == "LongTextArea":
        lines.append(f"        <length>{min(max(spec.length or 32768, 256), 131072)}</length>")
        lines.append("        <visibleLines>5</visibleLines>")
    if kind == "Checkbox":
        lines.append("        <defaultValue>false</defaultValue>")
    if kind == "Picklist":
        lines[4] = "        <description>Set by reps on the nextadvance coach card.</description>"
        values = "".join(
            f"<value><fullName>{escape(o)}</fullName><default>false</default>"
            f"<label>{escape(o.capitalize())}</label></value>"
            for o in spec.options
        )
        lines.append(
            "        <valueSet><restricted>true</restricted><valueSetDefinition>"
            f"<sorted>false</sorted>{values}</valueSetDefinition></valueSet>"
        )
    if spec.unique:
        lines.append("        <externalId>true</externalId>")
        lines.append("        <unique>true</unique>")
        lines.append("        <caseSensitive>true</caseSensitive>")
    lines.append("    </fields>")
    return "\n".join(lines)


def write_salesforce_package(
    missing: Sequence[FieldSpec], folder: str | Path, card: CardFields | None = None
) -> list[Path]:
    """Write a metadata package creating ``missing`` under ``folder``; return the files.

    With ``card``, the package also holds the coach card (LWC for the Opportunity record
    page) and the permission set reps need to see it and give feedback.  Deploy with ``sf
    project deploy start --metadata-dir FOLDER`` (Salesforce CLI) or any Metadata API tool;
    custom fields on Task are declared on the ``Activity`` object.
    """
    root = Path(folder)
    (root / "objects").mkdir(parents=True, exist_ok=True)
    by_object: dict[str, list[FieldSpec]] = {}
    for spec in missing:
        target = "Activity" if spec.object in ("Task", "Event") else spec.object
        by_object.setdefault(target, []).append(spec)
    written: list[Path] = []
    types: dict[str, list[str]] = {"CustomField": []}
    for obj, specs in by_object.items():
        body = "\n".join(_sf_field(s) for s in specs)
        path = root / "objects" / f"{obj}.object"
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n'
            f"{body}\n</CustomObject>\n",
            encoding="utf-8",
        )
        written.append(path)
        types["CustomField"] += [f"{obj}.{s.name}" for s in specs]
    if card is not None:
        files, members = write_salesforce_card(card, root)
        written += files
        types.update(members)
    blocks = "".join(
        "    <types>\n"
        + "".join(f"        <members>{escape(m)}</members>\n" for m in members)
        + f"        <name>{name}</name>\n    </types>\n"
        for name, members in types.items()
        if members
    )
    package = root / "package.xml"
    package.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n'
        f"{blocks}"
        f"    <version>{_SF_API_VERSION}</version>\n"
        "</Package>\n",
        encoding="utf-8",
    )
    written.append(package)
    return written
