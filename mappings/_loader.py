"""Load a mapping file and report every problem in it at once, each with file, line and key.

Three passes over one parse: YAML syntax and duplicate keys (``_yaml``), structure
(pydantic, turned into located problems with did-you-mean hints), and cross-references
(``_checks``: canonical stage keys and roles, clashing entries, transforms, templates).
"""

from __future__ import annotations

import types
from collections.abc import Collection, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from nextadvance.core.errors import MappingError, Problem, RuleError
from nextadvance.mappings._checks import check_mapping
from nextadvance.mappings._crms import crm_model
from nextadvance.mappings._model import CANONICAL_STAGES, Mapping
from nextadvance.mappings._yaml import Located, did_you_mean, load_yaml_file, load_yaml_text

__all__ = ["default_mapping_path", "load_mapping", "load_mapping_text", "mapping_json_schema"]


def default_mapping_path(crm: str) -> Path:
    """The shipped mapping for a stock org/portal of ``crm`` (``defaults/<crm>.yaml``)."""
    crm_model(crm)  # a MappingError naming the known CRMs for an unknown one
    return Path(str(resources.files("nextadvance.mappings") / "defaults" / f"{crm}.yaml"))


def mapping_json_schema() -> dict[str, Any]:
    """JSON Schema of a mapping file (for editors and ``nextadvance schema mapping``)."""
    schema = Mapping.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nextadvance.dev/schemas/mapping.schema.json"
    schema["title"] = "nextadvance mapping"
    return schema


def load_mapping(path: str | Path, *, stage_keys: Collection[str] | None = None) -> Mapping:
    """Load and check a mapping file; :class:`MappingError` lists every problem found.

    ``stage_keys`` are the canonical stage keys of the playbook in use (default: the
    shipped playbook's); a stage mapped to anything else is an error with a hint.
    """
    located, problems = load_yaml_file(path, keys_as_text=True)
    if stage_keys is None:
        stage_keys, playbook_problems = _playbook_stage_keys(located, Path(path))
        problems += playbook_problems
    mapping = _build(located, problems, stage_keys)
    mapping._source = Path(path).resolve()
    return mapping


def _playbook_stage_keys(
    located: Located, path: Path
) -> tuple[tuple[str, ...] | None, list[Problem]]:
    """Stage keys of a custom playbook the mapping names (its problems are ours to report)."""
    data = located.data if isinstance(located.data, dict) else {}
    playbook, lexicon = data.get("playbook", "default"), data.get("lexicon", "default")
    if playbook == "default" and lexicon == "default":
        return None, []
    if not isinstance(playbook, str) or not isinstance(lexicon, str):
        return None, []  # the structure check reports the wrong type

    def resolve(value: str) -> Path | None:
        p = Path(value)
        return None if value == "default" else (p if p.is_absolute() else path.parent / p)

    from nextadvance.mappings.playbook import load_playbook

    try:
        loaded = load_playbook(resolve(playbook), resolve(lexicon))
    except RuleError as exc:
        head = located.problem(
            ("playbook",), "the playbook or lexicon this mapping uses has problems (listed below)"
        )
        return None, [head, *exc.problems]
    return tuple(stage.key for stage in loaded.stages), []


def load_mapping_text(
    text: str, file: str = "<mapping>", *, stage_keys: Collection[str] | None = None
) -> Mapping:
    """Like :func:`load_mapping`, from text (``file`` names it in messages)."""
    located, problems = load_yaml_text(text, file, keys_as_text=True)
    return _build(located, problems, stage_keys)


def _build(
    located: Located, problems: list[Problem], stage_keys: Collection[str] | None
) -> Mapping:
    problems = list(problems)
    data = located.data
    if data is None and problems:
        raise MappingError(problems)
    if not isinstance(data, dict):
        found = "an empty file" if data is None else type(data).__name__
        problems.append(
            located.problem(
                (),
                f"a mapping must be a set of keys, found {found}",
                expected="keys such as crm, pipelines, deal, activities, writeback",
            )
        )
        raise MappingError(problems)
    mapping: Mapping | None = None
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        problems.extend(_from_pydantic(located, exc))
    problems.extend(check_mapping(located, tuple(stage_keys or CANONICAL_STAGES)))
    if problems or mapping is None:
        raise MappingError(_dedupe(problems, located.file))
    return mapping


def _dedupe(problems: list[Problem], file: str) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        key = (p.line, p.key_path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.file != file, p.file or "", p.line or 0, p.key_path))


def _from_pydantic(located: Located, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc: tuple[str | int, ...] = tuple(err["loc"])
        kind = err["type"]
        found = err.get("input")
        ctx = err.get("ctx") or {}
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(loc[:-1])
            out.append(
                located.problem(
                    loc,
                    f"unknown key '{key}'",
                    expected="one of: " + ", ".join(allowed) if allowed else None,
                    hint=did_you_mean(key, allowed),
                )
            )
        elif kind == "missing":
            out.append(located.problem(loc, f"missing required key '{loc[-1]}'"))
        elif kind in ("literal_error", "enum"):
            expected = str(ctx.get("expected", ""))
            choices = [c.strip(" '") for c in expected.replace(" or ", ",").split(",")]
            out.append(
                located.problem(
                    loc,
                    f"{found!r} is not allowed here",
                    expected=f"one of: {expected}",
                    hint=did_you_mean(str(found), [c for c in choices if c]),
                )
            )
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            allowed = _allowed_keys(loc)
            out.append(
                located.problem(
                    loc,
                    f"expected a block of keys here, found {_show(found)}",
                    expected="keys: " + ", ".join(allowed) if allowed else None,
                    hint=f"e.g. {{field: {found}}}" if isinstance(found, str) and allowed else None,
                )
            )
        elif kind in ("list_type", "tuple_type"):
            hint = f"write [{found}]" if isinstance(found, str) else None
            out.append(located.problem(loc, f"expected a list, found {_show(found)}", hint=hint))
        else:
            message = err["msg"][0].lower() + err["msg"][1:]
            out.append(located.problem(loc, f"{message}, found {_show(found)}"))
    return out


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a set of keys"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(loc: Sequence[str | int]) -> list[str]:
    """The keys a model allows at ``loc``, walking the Mapping model (for did-you-mean)."""
    tp: Any = Mapping
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(str(part))
            if info is None:
                return []
            tp = info.annotation
        elif get_origin(tp) in (dict, list, tuple):
            tp = get_args(tp)[-1] if get_origin(tp) is dict else get_args(tp)[0]
        else:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        members = [a for a in get_args(tp) if a is not type(None)]
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        return models[0] if models else members[0]
    return tp
