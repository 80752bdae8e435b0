"""A failed run's message, pointed at the line to fix where the CRM's answer allows it.

Why: the CRM says ``No such column 'Amountt' on entity 'Opportunity'`` about a query the
mapping built; the person who can fix it needs the mapping file, line and key that named the
field, and the command that checks every field at once (``mappings validate --live``).
"""

from __future__ import annotations

import re
from typing import Any

from nextadvance.mappings import format_path, load_yaml_file

from ._parts import Parts

__all__ = ["failure_message"]

_NO_COLUMN = re.compile(r"No such column '([^']+)' on (?:entity '([^']+)'|sobject of type (\w+))")


def failure_message(exc: Exception, parts: Parts) -> str:
    """``ErrorType: message``, plus where the mapping names an unknown CRM field."""
    text = f"{type(exc).__name__}: {exc}"
    found = _NO_COLUMN.search(str(exc))
    if not found:
        return text
    field = found.group(1).split(".")[-1]
    entity = found.group(2) or found.group(3)
    where = _locate(parts, field)
    src = parts.mapping.source
    check = (
        f"nextadvance mappings validate {src} --live --connection {parts.connection.name}"
        if src is not None
        else f"nextadvance mappings validate FILE --live --connection {parts.connection.name}"
    )
    if parts.mapping.crm == "salesforce":
        # Salesforce answers the same INVALID_FIELD for a field that exists but that
        # field-level security hides from the integration user: name both, and the fix.
        return (
            f"{where}: field '{found.group(1)}' does not exist on {entity} in the CRM, or "
            f"field-level security hides it from the integration user: grant that user Read "
            f"access to {entity}.{field} (Setup > Object Manager > {entity} > Fields & "
            f"Relationships > {field} > Set Field-Level Security) ({text}); fix the name or "
            f"the access, then check every field at once: {check}"
        )
    return (
        f"{where}: field '{found.group(1)}' does not exist on {entity} in the CRM "
        f"({text}); fix the name, then check every field at once: {check}"
    )


def _locate(parts: Parts, field: str) -> str:
    """``file:line key.path`` of the first mapping value equal to ``field`` (or the file)."""
    src = parts.mapping.source
    if src is None:
        return "the mapping"
    located, _ = load_yaml_file(src, keys_as_text=True)
    path = _find(located.data, field, ())
    if path is None:
        return str(src)
    return f"{src}:{located.line_of(path)} {format_path(path)}"


def _find(node: Any, value: str, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    if isinstance(node, dict):
        for key, child in node.items():
            hit = _find(child, value, (*path, key))
            if hit is not None:
                return hit
    elif isinstance(node, list):
        for i, child in enumerate(node):
            hit = _find(child, value, (*path, i))
            if hit is not None:
                return hit
    elif isinstance(node, str) and (node == value or node.split(".")[-1] == value):
        return path
    return None
