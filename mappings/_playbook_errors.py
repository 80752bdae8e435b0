"""Turn pydantic validation errors on a YAML file into located, human-sized problems.

Unknown keys get a did-you-mean from the keys the model allows at that place, so a typo
like ``stal_days`` points at ``stall_days``.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from nextadvance.core import Problem
from nextadvance.mappings._yaml import Located, did_you_mean

__all__ = ["allowed_keys", "pydantic_problems"]


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (tuple, list, dict, Union, types.UnionType) or origin is not None:
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Field names of the (nested) model that sits at ``loc`` below ``model``."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return list(current.model_fields) if current is not None else []


def pydantic_problems(exc: ValidationError, loc: Located, model: type[BaseModel]) -> list[Problem]:
    """One located :class:`Problem` per pydantic error, with hints for unknown keys."""
    out = []
    errors = exc.errors(include_url=False)
    locs = [tuple(e["loc"]) for e in errors]
    for err in errors:
        path = tuple(p for p in err["loc"] if isinstance(p, str | int))
        loc_here = tuple(err["loc"])
        if err["type"] == "too_short" and any(
            len(other) > len(loc_here) and other[: len(loc_here)] == loc_here for other in locs
        ):
            continue  # an item below failed; "too short" is only its echo
        # pydantic adds the union member / validator name to locs of tagged unions
        if err["type"] == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            allowed = allowed_keys(model, path[:-1])
            out.append(
                loc.problem(
                    path,
                    f"unknown key {key!r}",
                    expected="one of: " + ", ".join(allowed) if allowed else None,
                    hint=did_you_mean(key, allowed),
                )
            )
            continue
        found = err.get("input")
        shown = repr(found) if not isinstance(found, dict | list) else type(found).__name__
        message = err["msg"]
        if err["type"] == "missing":
            message = "required key is missing"
        elif len(shown) < 60:
            message = f"{message} (found {shown})"
        out.append(loc.problem(path, message))
    return out
