"""``nextadvance sandbox ...``: the local CRM emulator's own commands, mounted on the CLI.

The sandbox is an extra (``nextadvance[sandbox]``); without it ``sandbox ...`` says so instead
of failing the whole command line at import.
"""

import typer

from ._common import sandbox_missing

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()

try:
    from nextadvance.sandbox.cli import sandbox_app
except ImportError as _missing:  # the extra is not installed
    _reason = _missing

    @commands.command(
        "sandbox",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        help="A local CRM emulator (needs the extra: pip install 'nextadvance[sandbox]').",
    )
    def _not_installed(ctx: typer.Context) -> None:
        raise sandbox_missing(_reason, "sandbox")

else:
    commands.add_typer(sandbox_app, name="sandbox")
