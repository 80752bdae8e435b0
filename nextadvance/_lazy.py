"""Public names a package loads on first use (PEP 562), written once for every package.

``nextadvance --help`` and the commands that need no state store or CRM should not pay for
SQLAlchemy, Alembic or the CRM clients; a package lists where each public name lives and
hands this module's ``__getattr__`` to Python, which calls it only for a name not yet loaded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``homes[name]`` (a module path
    relative to the package) on first use and keeps the value in the package's namespace."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value
        return value

    return __getattr__
