"""``nextadvance sandbox ...``: the local CRM emulator's own commands, mounted on the CLI."""

import typer

from nextadvance.sandbox.cli import sandbox_app

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()
commands.add_typer(sandbox_app, name="sandbox")
