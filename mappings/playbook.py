"""Load the playbook and next-step lexicon from YAML, with every problem located at once.

Ops teams edit these files by hand, so each problem names the file, line and key path,
what was found and what was expected, and a did-you-mean for misspelt keys, stages and
objective ids.  ``None`` paths mean the defaults shipped in ``mappings/defaults/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from nextadvance.core import Lexicon, Playbook, Problem, RuleError
from nextadvance.mappings._playbook_errors import pydantic_problems
from nextadvance.mappings._yaml import Located, did_you_mean, load_yaml_file

__all__ = [
    "DEFAULT_LEXICON",
    "DEFAULT_PLAYBOOK",
    "lexicon_json_schema",
    "load_playbook",
    "playbook_json_schema",
    "write_schemas",
]

_HERE = Path(__file__).resolve().parent
DEFAULT_PLAYBOOK = _HERE / "defaults" / "playbook.yaml"
DEFAULT_LEXICON = _HERE / "defaults" / "lexicon.yaml"
SCHEMA_DIR = _HERE / "schemas"
_DEFER = {"defer_references": True}


def _mapping(loc: Located, what: str) -> tuple[dict[str, Any], list[Problem]]:
    if loc.data is None:
        return {}, [loc.problem((), f"the {what} file is empty", expected=f"a {what} mapping")]
    if not isinstance(loc.data, dict):
        return {}, [
            loc.problem(
                (), f"expected a mapping at the top of the {what}, found {type(loc.data).__name__}"
            )
        ]
    return loc.data, []


def _load_lexicon(loc: Located) -> tuple[Lexicon | None, list[Problem]]:
    data, problems = _mapping(loc, "lexicon")
    if problems:
        return None, problems
    try:
        lexicon = Lexicon.model_validate(data, context=_DEFER)
    except ValidationError as exc:
        return None, pydantic_problems(exc, loc, Lexicon)
    for path, pattern in lexicon.patterns():
        try:
            re.compile(pattern)
        except re.error as err:
            problems.append(
                loc.problem(
                    path,
                    f"bad regular expression {pattern!r}: {err}",
                    expected="a Python regular expression",
                    hint="escape special characters such as ( ) [ ] ? + * with a backslash",
                )
            )
    return (None if problems else lexicon), problems


def _reference_problems(playbook: Playbook, pb_loc: Located, lx_loc: Located) -> list[Problem]:
    stage_keys = list(playbook.stage_keys)
    objective_ids = [o.id for s in playbook.stages for o in s.objectives] + [
        ov.objective.id for seg in playbook.segments for ov in seg.add
    ]
    out = []
    for path, message in playbook.reference_problems():
        found = re.search(r"'([^']+)'$", message)
        hint = None
        if found and "stage" in message:
            hint = did_you_mean(found.group(1), stage_keys)
        elif found and "objective" in message:
            hint = did_you_mean(found.group(1), objective_ids)
        elif found and "size band" in message:
            hint = did_you_mean(found.group(1), [b.id for b in playbook.size_bands])
        if path and path[0] == "lexicon":
            out.append(lx_loc.problem(path[1:], message, hint=hint))
        else:
            out.append(pb_loc.problem(path, message, hint=hint))
    return out


def load_playbook(path: str | Path | None = None, lexicon: str | Path | None = None) -> Playbook:
    """Load and validate a playbook and lexicon (None = shipped defaults) or raise RuleError."""
    pb_loc, problems = load_yaml_file(path or DEFAULT_PLAYBOOK)
    lx_loc, lx_problems = load_yaml_file(lexicon or DEFAULT_LEXICON)
    problems += lx_problems
    if problems:
        raise RuleError(problems)
    lex, lx_problems = _load_lexicon(lx_loc)
    data, pb_problems = _mapping(pb_loc, "playbook")
    problems = lx_problems + pb_problems
    playbook = None
    if not pb_problems:
        if "lexicon" in data:
            problems.append(
                pb_loc.problem(
                    ("lexicon",),
                    "the lexicon lives in its own file",
                    hint="move it to a lexicon YAML and pass --lexicon FILE",
                )
            )
        else:
            try:
                playbook = Playbook.model_validate(
                    {**data, "lexicon": lex or Lexicon()}, context=_DEFER
                )
            except ValidationError as exc:
                problems += pydantic_problems(exc, pb_loc, Playbook)
    if playbook is not None and lex is not None:
        problems += _reference_problems(playbook, pb_loc, lx_loc)
    if problems or playbook is None:
        raise RuleError(problems)
    return playbook


def playbook_json_schema() -> dict[str, Any]:
    """JSON Schema of a playbook YAML file (the lexicon is a separate file)."""
    schema = Playbook.model_json_schema()
    schema["properties"].pop("lexicon", None)
    schema["$defs"] = {
        k: v
        for k, v in schema.get("$defs", {}).items()
        if k not in {"Lexicon", "ClientAction", "StrengthScores"}
    }
    schema["title"] = "nextadvance playbook"
    return schema


def lexicon_json_schema() -> dict[str, Any]:
    """JSON Schema of a next-step lexicon YAML file."""
    schema = Lexicon.model_json_schema()
    schema["title"] = "nextadvance next-step lexicon"
    return schema


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: str | Path = SCHEMA_DIR) -> list[Path]:
    """Regenerate the committed schema files (``python -m nextadvance.mappings.playbook``)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in (
        ("playbook.schema.json", playbook_json_schema()),
        ("lexicon.schema.json", lexicon_json_schema()),
    ):
        target = out / name
        target.write_text(_dump(schema), encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    for written_path in write_schemas():
        print(written_path)
