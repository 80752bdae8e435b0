"""``nextadvance explain --connection NAME --deal ID``: one deal as the last sync saw it.

Shows the mirror's view of the deal, the engine's decision and why (the engine CLI's
``render_explanation``), then what nextadvance wrote to the CRM for it (the write ledger),
the conflicts it left alone and whether the deal is parked.  Reads only the state store:
no CRM call, so it works while a sync runs and without credentials.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import typer
from rich.console import Console

from nextadvance.core import decide
from nextadvance.core.errors import MappingError, Problem

from ..config._settings import load_settings
from ..run._parts import load_parts
from ..store import _tables as t
from ..store._db import StateStore
from ..store._ledger import Ledger
from ..store._mirror import Mirror
from ._render import render_explanation

__all__ = ["explain_connection"]


def explain_connection(
    config: Path | None, connection: str, deal_id: str, now: datetime, console: Console
) -> None:
    """Print the explanation of one mirrored deal; exit 2 if the mirror does not have it."""
    settings = load_settings(config)
    parts = load_parts(settings, connection)
    store = StateStore.open(settings.state_url)
    try:
        with store.session() as s:
            mirror = Mirror(s, connection, lambda _d: True, parts.mapping)
            found = mirror.load([deal_id])
            if not found:
                typer.echo(
                    f"error: deal {deal_id!r} is not in the mirror of connection '{connection}' "
                    "(run `nextadvance sync` first, or check the id)",
                    err=True,
                )
                raise typer.Exit(2)
            deal = found[0].deal
            if found[0].unmapped is not None:
                src = parts.mapping.source
                raise MappingError(
                    [
                        Problem(
                            f"deal {deal_id} cannot be decided: {found[0].unmapped}",
                            file=str(src) if src else None,
                            hint="then `nextadvance mappings preview` and the next sync use it",
                        )
                    ]
                )
            decision = decide(deal, parts.playbook, parts.zones.now(deal, now))
            render_explanation(deal, decision, console)
            _print_crm_values(console, found[0].crm_values)
            _print_ledger(console, Ledger(s, connection).history(deal_id))
            _print_conflicts(console, s, connection, deal_id)
            parked = s.get(t.Parked, (connection, deal_id))
            if parked is not None:
                console.print(
                    f"[bold]parked[/] until {parked.parked_until}: {parked.reason or '(no reason)'}"
                    " (no suggested task until then)"
                )
    finally:
        store.close()


def _print_crm_values(console: Console, values: dict[str, Any]) -> None:
    if not values:
        return
    console.print("\n[bold]Write-back fields as the CRM held them at the last pull[/]")
    for name, value in sorted(values.items()):
        console.print(f"  {name}: {_short(value)}", markup=False)


def _print_ledger(console: Console, rows: list[t.LedgerEntry]) -> None:
    console.print("\n[bold]What nextadvance wrote (write ledger)[/]")
    if not rows:
        console.print("  nothing yet")
        return
    for row in rows:
        written = row.written or {}
        if row.kind == "task":
            what = "task" + (" (closed)" if written.get("completed") else "")
            summary = _short(written.get("subject") or row.payload.get("subject"))
        else:
            what = "deal fields"
            summary = ", ".join(sorted(written)) or "-"
        error = f" {row.error_code}: {_short(row.error_message)}" if row.error_code else ""
        console.print(
            f"  {what} [{row.status}{error}] key {row.idem_key}, CRM id {row.crm_id or '-'}, "
            f"{row.attempts} attempt(s), {row.updated_at:%Y-%m-%d %H:%M} UTC\n    {summary}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def _print_conflicts(console: Console, s: Any, connection: str, deal_id: str) -> None:
    rows = list(
        s.scalars(
            sa.select(t.Conflict)
            .where(t.Conflict.connection == connection, t.Conflict.deal_id == deal_id)
            .order_by(t.Conflict.id.desc())
            .limit(5)
        )
    )
    for c in rows:
        console.print(
            f"[yellow]conflict[/] {c.field}: we wrote {_short((c.ours or {}).get('value'))}, "
            f"a person changed it to {_short((c.theirs or {}).get('value'))} "
            f"({c.detected_at:%Y-%m-%d %H:%M}); left as is",
            highlight=False,
        )


def _short(value: Any, width: int = 70) -> str:
    text = "" if value is None else str(value).replace("\n", " / ")
    return text if len(text) <= width else text[: width - 1] + "…"
