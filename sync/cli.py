"""The ``nextadvance`` command line: one typer app, commands registered from their modules.

Every :class:`~nextadvance.core.errors.NextAdvanceError` is caught here and printed as the
message a person can act on (never a traceback), with an exit code that scripts can test:
see :data:`EXIT_CODES`.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from nextadvance import __version__
from nextadvance.core.errors import ConfigError, MappingError, NextAdvanceError, RuleError

__all__ = ["EXIT_CODES", "app", "main"]

#: Exit codes: 0 ok; 1 some input lines or records failed (partial); 2 bad usage, config,
#: mapping or playbook; 3 another run holds the connection's lock; 4 the run failed.
EXIT_CODES = {"ok": 0, "partial": 1, "usage": 2, "locked": 3, "failed": 4}

app = typer.Typer(
    name="nextadvance",
    help="Stage micro-objectives and the next client advance for every open deal, in your CRM.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nextadvance {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """nextadvance: decide, explain and sync next advances for open deals."""


def _register() -> None:
    """Import the command modules; each adds its commands to :data:`app`."""
    # Command modules register themselves on import (one concern per module).
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(name)


_COMMAND_MODULES: list[str] = [
    "nextadvance.sync._cli_engine",
    "nextadvance.sync._cli_schema",
    "nextadvance.sync._cli_serve",
    "nextadvance.sync._cli_db",
    "nextadvance.sync._cli_sync",
    "nextadvance.sync._cli_sandbox",
    "nextadvance.sync._cli_mappings",
    "nextadvance.sync._cli_report",
    "nextadvance.sync._cli_setup",
    "nextadvance.sync._cli_demo",
]


def _configure_logging() -> None:
    """Redacting structured logs for every command (``NEXTADVANCE_LOG_LEVEL``, default WARNING)."""
    import os

    from nextadvance.sync._logging import configure_logging

    configure_logging(os.environ.get("NEXTADVANCE_LOG_LEVEL") or "WARNING", None)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn our errors into exit codes."""
    _register()
    _configure_logging()
    try:
        rv = app(args=argv, standalone_mode=False)
    except NextAdvanceError as exc:
        err_console.print(
            f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True
        )
        code = (
            EXIT_CODES["usage"]
            if isinstance(exc, ConfigError | MappingError | RuleError)
            else EXIT_CODES["failed"]
        )
        sys.exit(code)
    except SystemExit:
        raise
    except Exception as exc:  # click's own usage errors and aborts
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(EXIT_CODES["usage"])
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        raise
    sys.exit(rv if isinstance(rv, int) else 0)
