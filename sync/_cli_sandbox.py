"""Registers ``nextadvance sandbox ...`` (the local CRM emulator's commands) on the CLI."""

from nextadvance.sandbox.cli import sandbox_app
from nextadvance.sync.cli import app

app.add_typer(sandbox_app, name="sandbox")
