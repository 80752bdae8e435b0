"""The ``nextadvance`` command line: one typer app built from an explicit list of command groups.

Every :class:`~nextadvance.core.errors.NextAdvanceError` is caught here and printed as the
message a person can act on (never a traceback), with an exit code that scripts can test:
see :data:`EXIT_CODES`.
"""

from __future__ import annotations

import logging
import os
import sys

import typer
from rich.markup import escape

from nextadvance import __version__
from nextadvance.core.errors import ConfigError, MappingError, NextAdvanceError, RuleError

from ..config import configure_logging, redact
from . import _db, _demo, _engine, _mappings, _report, _sandbox, _schema, _serve, _setup, _sync
from ._common import EXIT_CODES, err_console
from ._usage import ABORT, CLICK_EXCEPTION, print_usage_error

__all__ = ["COMMAND_GROUPS", "EXIT_CODES", "app", "main"]

#: Every command module, in ``--help`` order.  Each exposes ``commands`` (a typer app whose
#: commands and sub-groups are merged into the root); importing one registers nothing.
COMMAND_GROUPS: tuple[typer.Typer, ...] = (
    _engine.commands,
    _schema.commands,
    _serve.commands,
    _db.commands,
    _sync.commands,
    _sandbox.commands,
    _mappings.commands,
    _report.commands,
    _setup.commands,
    _demo.commands,
)

app = typer.Typer(
    name="nextadvance",
    help="Stage micro-objectives and the next client advance for every open deal, in your CRM.",
    no_args_is_help=True,
    epilog="Exit codes: 0 ok; 1 partial (some records failed, listed); 2 bad usage, config, "
    "mapping or playbook (nothing written); 3 another run holds the lock; 4 the run failed.",
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


for _group in COMMAND_GROUPS:
    app.add_typer(_group)


def _configure_logging() -> None:
    """Redacting structured logs for every command (``NEXTADVANCE_LOG_LEVEL``, default WARNING)."""
    configure_logging(os.environ.get("NEXTADVANCE_LOG_LEVEL") or "WARNING", None)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn our errors into exit codes."""
    _configure_logging()
    try:
        rv = app(args=argv, standalone_mode=False)
    except NextAdvanceError as exc:
        err_console.print(
            f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True
        )
        code = (
            EXIT_CODES["usage"]
            if isinstance(exc, ConfigError | MappingError | RuleError)
            else EXIT_CODES["failed"]
        )
        sys.exit(code)
    except SystemExit:
        raise
    except CLICK_EXCEPTION as exc:  # the parser's usage errors: missing option, unknown flag...
        sys.exit(print_usage_error(err_console, exc))
    except ABORT:
        err_console.print("aborted", highlight=False)
        sys.exit(130)
    except Exception as exc:  # a bug or an input nobody foresaw: one line, the failure code
        # (a traceback exited 1, the code of a partial run; the log keeps it for a report)
        logging.getLogger("nextadvance").debug("unexpected error", exc_info=True)
        err_console.print(
            f"[bold red]error:[/] unexpected {type(exc).__name__}: {escape(redact(str(exc)))}"
            " (NEXTADVANCE_LOG_LEVEL=DEBUG shows where; please report it)",
            highlight=False,
            markup=True,
            soft_wrap=True,
        )
        sys.exit(EXIT_CODES["failed"])
    sys.exit(rv if isinstance(rv, int) else 0)
