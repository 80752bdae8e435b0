"""``nextadvance schema KIND``: print the JSON Schema of an input or output format.

Editors validate YAML against these (``# yaml-language-server: $schema=...``),
integrators generate code from the deal/decision schemas, and the CRM cards follow the coach one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console

from nextadvance import mappings
from nextadvance.core import Decision
from nextadvance.core.models import Deal

from ._common import EXIT_CODES

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()


__all__ = ["SCHEMAS"]


def _mapping() -> dict[str, Any]:
    fn: Callable[[], dict[str, Any]] | None = getattr(mappings, "mapping_json_schema", None)
    if fn is None:
        Console(stderr=True).print("the mapping schema is not available in this version")
        raise typer.Exit(EXIT_CODES["usage"])
    return fn()


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "coach": mappings.coach_json_schema,
    "deal": Deal.model_json_schema,
    "decision": Decision.model_json_schema,
    "playbook": mappings.playbook_json_schema,
    "lexicon": mappings.lexicon_json_schema,
    "mapping": _mapping,
}


@commands.command("schema")
def schema_command(
    kind: str = typer.Argument(..., help="coach, deal, decision, playbook, lexicon or mapping"),
) -> None:
    """Print the JSON Schema of deals, decisions, coach payloads, playbooks, lexicons or mappings."""
    fn = SCHEMAS.get(kind)
    if fn is None:
        raise typer.BadParameter(f"unknown kind {kind!r}; choose one of: {', '.join(SCHEMAS)}")
    typer.echo(json.dumps(fn(), indent=2, sort_keys=True))
