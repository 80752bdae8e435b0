"""Salesforce setup: custom fields need a metadata deployment, so setup writes a deployable
package (``package.xml`` + ``objects/<Object>.object``) for the admin."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from nextadvance.connectors._base import Connector
from nextadvance.connectors._card import PERMISSION_SET, CardFields, write_salesforce_card
from nextadvance.connectors._profile import SetupStrategy
from nextadvance.connectors._setup import FieldSpec

__all__ = ["SETUP", "write_salesforce_package"]

_SF_API_VERSION = "59.0"

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


def _apply(
    _connector: Connector, missing: Sequence[FieldSpec], out: Path, card: CardFields | None
) -> list[str]:
    files = write_salesforce_package(missing, out, card)
    extra = f" and the coach card (LWC + permission set {PERMISSION_SET})" if card else ""
    return [f"Wrote a metadata package with {len(missing)} field(s){extra} to {out}:"] + [
        f"  {path}" for path in files
    ]


SETUP = SetupStrategy(
    apply_does="write a deployable metadata package.",
    live=False,
    apply=_apply,
    out_help="Folder for the Salesforce metadata package (with --apply).",
    default_out="nextadvance-salesforce-metadata",
    deploy_hint=(
        "Deploy it with the Salesforce CLI:\n"
        "  sf project deploy start --metadata-dir {out} --target-org <alias>\n"
        "then grant the integration user edit access to the fields (field-level security) and "
        "run `nextadvance setup` again to check."
    ),
    card_hint=(
        "Add the 'nextadvance coach' component to the Opportunity record page (Lightning App "
        f"Builder) and assign the {PERMISSION_SET} permission set to reps (docs/crm-card.md)."
    ),
)
