"""``nextadvance sync`` and ``nextadvance runs``: run a connection's sync, show run history.

Exit codes (see ``EXIT_CODES``): 0 ok, 1 partial (rejects, quota, stop), 2 configuration,
3 another run holds the connection's lock, 4 the run failed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

from ..config._settings import load_settings
from ._common import EXIT_CODES

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()


__all__: list[str] = []

_CONFIG = typer.Option(
    None,
    "--config",
    "-c",
    help="nextadvance.yaml (default: $NEXTADVANCE_CONFIG, ./nextadvance.yaml)",
)


@commands.command("sync")
def sync_command(
    connection: str = typer.Option(
        ..., "--connection", "-C", help="Connection name in the config."
    ),
    config: Path | None = _CONFIG,
    dry_run: bool = typer.Option(False, "--dry-run", help="Pull, decide and plan; write nothing."),
    full: bool = typer.Option(
        False,
        "--full",
        help="Re-read everything (reset the cursor) and decide every open deal again.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the machine-readable run report."),
) -> None:
    """Sync one connection: pull changes, decide every open deal, write back what changed."""
    from ..run._run import run_sync  # the run's modules load with the command, not ``--help``
    from ._console import LiveProgress, print_diff, print_summary

    settings = load_settings(config)
    settings.connection(connection)  # unknown name: a ConfigError before anything else
    console = Console()
    show = console.is_terminal and not as_json
    if show:
        with LiveProgress(Console(stderr=True)) as live:
            report = run_sync(settings, connection, dry_run=dry_run, full=full, progress=live)
    else:
        report = run_sync(settings, connection, dry_run=dry_run, full=full)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2, sort_keys=False) + "\n")
    else:
        if dry_run:
            print_diff(console, report)
        print_summary(console, report)
    raise typer.Exit(EXIT_CODES[report.status])


@commands.command("runs")
def runs_command(
    connection: str | None = typer.Option(None, "--connection", "-C", help="Only this connection."),
    config: Path | None = _CONFIG,
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="How many runs, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored reports as JSON."),
) -> None:
    """Show run history (the stored run reports), newest first."""
    settings = load_settings(config)
    if connection is not None:
        settings.connection(connection)  # unknown name: a ConfigError (exit 2), not an empty list
    from ..store._db import StateStore
    from ..store._history import recent_runs
    from ._console import print_runs

    store = StateStore.open(settings.state_url)
    try:
        reports = recent_runs(store, connection, limit)
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(reports, indent=2) + "\n")
    else:
        print_runs(Console(), reports)
