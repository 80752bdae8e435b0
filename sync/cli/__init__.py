"""cli: the ``nextadvance`` command line (the console script is :func:`main`).

The app and its explicit list of command groups live in :mod:`._app`; one module per group.
"""

from ._app import COMMAND_GROUPS, app, main
from ._common import EXIT_CODES

__all__ = ["COMMAND_GROUPS", "EXIT_CODES", "app", "main"]
