"""``nextadvance db upgrade|current``: migrate the state store explicitly (init containers)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from ..config._settings import find_config, load_settings

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()


__all__ = ["state_url_from"]

db_app = typer.Typer(help="State store maintenance (migrations run automatically too).")
commands.add_typer(db_app, name="db")

_CONFIG = typer.Option(
    None, "--config", "-c", help="nextadvance.yaml (default: $NEXTADVANCE_CONFIG)"
)


def state_url_from(config: Path | None) -> str:
    """The state store URL: the config file's (env overrides apply), else $NEXTADVANCE_STATE_URL.

    A config file is not required when NEXTADVANCE_STATE_URL is set, so an init container
    can migrate with nothing but the URL.
    """
    env = os.environ.get("NEXTADVANCE_STATE_URL")
    if config is None and env and not find_config(None).exists():
        return env
    return load_settings(config).state_url


@db_app.command("upgrade")
def upgrade(config: Path | None = _CONFIG) -> None:
    """Apply pending state-store migrations (idempotent)."""
    from ..store._db import StateStore  # Alembic and SQLAlchemy: not for ``--help``

    store = StateStore.open(state_url_from(config), migrate=False)
    try:
        before = store.current_revision()
        head = store.upgrade()
        typer.echo(
            f"state store {store.describe()}: "
            + (
                f"already at {head}"
                if before == head
                else f"upgraded {before or 'empty'} -> {head}"
            )
        )
    finally:
        store.close()


@db_app.command("current")
def current(config: Path | None = _CONFIG) -> None:
    """Show the store's migration revision and the newest one this version ships."""
    from ..store._db import StateStore

    store = StateStore.open(state_url_from(config), migrate=False)
    try:
        typer.echo(
            f"state store {store.describe()}: at {store.current_revision() or 'empty'}, "
            f"head {store.head_revision()}"
        )
    finally:
        store.close()
