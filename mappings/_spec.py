"""The base of every mapping-file model: frozen, and unknown keys refused.

One base for :mod:`._model` and :mod:`._model_writeback`, so a typo in any key of a mapping
file is reported by name instead of being silently ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Spec"]


class Spec(BaseModel):
    """Frozen, ``extra="forbid"``: a mapping is data, and an unknown key is a mistake."""

    model_config = ConfigDict(frozen=True, extra="forbid")
