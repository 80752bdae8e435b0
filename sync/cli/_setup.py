"""``nextadvance setup``: the custom fields/properties the write-back needs, checked or created.

Without ``--apply`` it lists what the mapping writes and what the CRM lacks (exit 1 when
something is missing).  With ``--apply`` it runs the CRM profile's setup strategy: on HubSpot
it creates the property group ``nextadvance`` and the missing properties through the API; on
Salesforce (custom fields need a metadata deployment) it writes a deployable package under
``--out`` and prints how to deploy it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nextadvance.connectors import (
    PROFILES,
    ConnectorError,
    FieldSpec,
    card_fields,
    missing_fields,
    profile,
    required_fields,
)

from ..config._settings import load_settings
from ._common import EXIT_CODES

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()


__all__: list[str] = []

_out = Console()
_err = Console(stderr=True)


@commands.command("setup")
def setup_command(
    connection: str = typer.Option(
        ..., "--connection", "-C", help="Connection name in the config."
    ),
    config: Path | None = typer.Option(
        None,
        "--config",
        "-c",
        help="nextadvance.yaml (default: $NEXTADVANCE_CONFIG, ./nextadvance.yaml)",
    ),
    apply: bool = typer.Option(
        False,
        "--apply",
        help="; ".join(f"{p.label}: {p.setup.apply_does}" for p in PROFILES.values()),
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Folder for a metadata package, for CRMs whose setup writes one (with --apply): "
        + "; ".join(
            f"{p.label}: {p.setup.default_out}" for p in PROFILES.values() if p.setup.default_out
        ),
    ),
) -> None:
    """Check (or create) the custom fields and properties nextadvance writes back."""
    from ..run._parts import load_parts, make_connector  # the run's modules: not for --help

    settings = load_settings(config)
    parts = load_parts(settings, connection)
    required = required_fields(parts.mapping)
    strategy = profile(parts.connection.crm).setup
    folder = out or Path(strategy.default_out or ".")
    card = card_fields(parts.mapping)
    connector = make_connector(parts)
    try:
        described = connector.describe()
        missing = missing_fields(required, described)
        _print_table(required, {(m.object, m.name) for m in missing})
        if not missing:
            _out.print(f"All {len(required)} fields the write-back needs exist. Nothing to do.")
            raise typer.Exit(EXIT_CODES["ok"])
        if not apply:
            _out.print(f"{len(missing)} missing. Run again with --apply to {strategy.apply_does}")
            raise typer.Exit(EXIT_CODES["partial"])
        for line in strategy.apply(connector, missing, folder, card):
            _out.print(escape(line))
        if strategy.live:
            still = missing_fields(required, connector.describe())
            if still:
                _err.print(f"[bold red]still missing:[/] {', '.join(str(s) for s in still)}")
                raise typer.Exit(EXIT_CODES["failed"])
            _out.print("All write-back properties exist now.")
            if card is not None and strategy.card_hint:
                _out.print(escape(strategy.card_hint.format(out=folder)))
            raise typer.Exit(EXIT_CODES["ok"])
    except ConnectorError as exc:
        _err.print(f"[bold red]cannot read or change the CRM's metadata:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_CODES["failed"]) from None
    finally:
        connector.close()
    _out.print(escape(strategy.deploy_hint.format(out=folder)))
    if card is not None and strategy.card_hint:
        _out.print(escape(strategy.card_hint.format(out=folder)))
    raise typer.Exit(EXIT_CODES["ok"])


def _print_table(required: Sequence[FieldSpec], missing: set[tuple[str, str]]) -> None:
    table = Table(title="Fields the write-back needs")
    for col in ("object", "field", "type", "status"):
        table.add_column(col)
    for spec in required:
        gone = (spec.object, spec.name) in missing
        table.add_row(
            spec.object,
            spec.name,
            spec.type + (" (unique)" if spec.unique else ""),
            "[red]missing[/]" if gone else "[green]present[/]",
        )
    _out.print(table)
