"""``nextadvance setup``: the custom fields/properties the write-back needs, checked or created.

Without ``--apply`` it lists what the mapping writes and what the CRM lacks (exit 1 when
something is missing).  With ``--apply``: on HubSpot it creates the property group
``nextadvance`` and the missing properties through the API; on Salesforce (custom fields
need a metadata deployment) it writes a deployable package under ``--out`` and prints how to
deploy it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nextadvance.connectors import (
    CardFields,
    ConnectorError,
    FieldSpec,
    card_fields,
    create_hubspot_properties,
    missing_fields,
    required_fields,
    write_hubspot_project,
    write_salesforce_package,
)
from nextadvance.sync._settings import load_settings
from nextadvance.sync._wiring import load_parts, make_connector
from nextadvance.sync.cli import EXIT_CODES, app

__all__: list[str] = []

_out = Console()
_err = Console(stderr=True)


@app.command("setup")
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
        help="HubSpot: create the missing properties. Salesforce: write a metadata package.",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Salesforce: folder for the metadata package (default "
        "nextadvance-salesforce-metadata). HubSpot: folder for the coach card's developer "
        "project (default nextadvance-hubspot-card).",
    ),
) -> None:
    """Check (or create) the custom fields and properties nextadvance writes back."""
    settings = load_settings(config)
    parts = load_parts(settings, connection)
    required = required_fields(parts.mapping)
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
            _out.print(
                f"{len(missing)} missing. Run again with --apply to "
                + (
                    "create them."
                    if parts.mapping.crm == "hubspot"
                    else "write a deployable metadata package."
                )
            )
            raise typer.Exit(EXIT_CODES["partial"])
        if parts.mapping.crm == "hubspot":
            created = create_hubspot_properties(connector, missing)
            for line in created:
                _out.print(f"created {escape(line)}")
            still = missing_fields(required, connector.describe())
            if still:
                _err.print(f"[bold red]still missing:[/] {', '.join(str(s) for s in still)}")
                raise typer.Exit(EXIT_CODES["failed"])
            _out.print("All write-back properties exist now.")
            if card is not None:
                _hubspot_card(card, out or Path("nextadvance-hubspot-card"))
            raise typer.Exit(EXIT_CODES["ok"])
    except ConnectorError as exc:
        _err.print(f"[bold red]cannot read or change the CRM's metadata:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_CODES["failed"]) from None
    finally:
        connector.close()
    out = out or Path("nextadvance-salesforce-metadata")
    files = write_salesforce_package(missing, out, card)
    extra = " and the coach card (LWC + permission set NextAdvance_Coach)" if card else ""
    _out.print(
        f"Wrote a metadata package with {len(missing)} field(s){extra} to {escape(str(out))}:"
    )
    for path in files:
        _out.print(f"  {escape(str(path))}")
    _out.print(
        "Deploy it with the Salesforce CLI:\n"
        f"  sf project deploy start --metadata-dir {escape(str(out))} --target-org <alias>\n"
        "then grant the integration user edit access to the fields (field-level security) and "
        "run `nextadvance setup` again to check."
        + (
            "\nAdd the 'nextadvance coach' component to the Opportunity record page (Lightning "
            "App Builder) and assign the NextAdvance_Coach permission set to reps "
            "(docs/crm-card.md)."
            if card
            else ""
        )
    )
    raise typer.Exit(EXIT_CODES["ok"])


def _hubspot_card(card: CardFields, out: Path) -> None:
    files = write_hubspot_project(card, out)
    _out.print(
        f"Wrote the coach card's HubSpot project ({len(files)} files) to {escape(str(out))}."
    )
    _out.print(
        "Upload it with the HubSpot CLI:\n"
        f"  cd {escape(str(out))} && hs project upload\n"
        "then install the app in your portal and add the 'Next advance coach' card to the deal "
        "record (docs/crm-card.md)."
    )


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
