"""Our task body as HubSpot holds it: one HTML paragraph per line, read back as lines.

Why: ``hs_task_body`` ("the task notes") is the HTML of HubSpot's rich-text editor, like
note, meeting and call bodies (:mod:`nextadvance.mappings._html`): a task written in the UI
reads back as ``<div ...>...</div>``, and plain ``\\n`` line breaks collapse into one
paragraph when HubSpot renders HTML, so the rep would get the call plan as a single run-on
line.  Each line is written as ``<p>`` with its text escaped; on the way back the HTML
becomes the same lines, so a rep's edit is still told from our own write by comparing text.
"""

from __future__ import annotations

from html import escape
from typing import Any

from nextadvance.mappings._html import html_to_text

__all__ = ["body_html", "body_text"]


def body_html(text: str) -> str:
    """``text`` as HTML paragraphs, one per non-empty line (empty text stays empty)."""
    return "".join(f"<p>{escape(line, quote=False)}</p>" for line in text.split("\n") if line)


def body_text(props: dict[str, Any], field: str | None) -> dict[str, Any]:
    """``props`` with the body ``field`` read back as plain lines (a copy when changed)."""
    value = props.get(field) if field else None
    if field is None or not isinstance(value, str) or not value:
        return props
    return {**props, field: html_to_text(value)}
