"""What every command module shares: the exit codes scripts test and the stderr console.

Kept apart from :mod:`._app` so command modules never import the app that imports them.
"""

from __future__ import annotations

from rich.console import Console

from nextadvance.core.errors import ConfigError, Problem

__all__ = ["EXIT_CODES", "err_console", "sandbox_missing"]

#: Exit codes: 0 ok; 1 some input lines or records failed (partial); 2 bad usage, config,
#: mapping or playbook; 3 another run holds the connection's lock; 4 the run failed.
EXIT_CODES = {"ok": 0, "partial": 1, "usage": 2, "locked": 3, "failed": 4}

err_console = Console(stderr=True)


def sandbox_missing(exc: ImportError, command: str) -> ConfigError:
    """The error for a command that needs the sandbox when its extra is not installed."""
    return ConfigError(
        [
            Problem(
                f"`nextadvance {command}` needs the local CRM sandbox, which is not installed "
                f"({exc})",
                hint="install the extra: pip install 'nextadvance[sandbox]'",
            )
        ]
    )
