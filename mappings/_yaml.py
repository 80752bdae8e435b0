"""YAML with line numbers: load a file into plain data plus a map of where each key sits.

Ops people edit our YAML by hand; every error must point at a file and line.  PyYAML's
composer keeps marks on nodes, so we build plain Python data from the node tree and
remember the line of every key path on the way.  Validation errors (pydantic ``loc``
tuples) are then located with :meth:`Located.line_of`.

Every YAML nextadvance reads (config, mapping, playbook, lexicon, targets) comes through
here, so the limits that keep a hostile or broken file from hanging or crashing a run live
here too: at most :data:`MAX_CHARS` characters, :data:`MAX_DEPTH` levels of nesting and
:data:`MAX_VALUES` values once aliases are expanded (a "billion laughs" alias bomb).  Each
fails fast with a located problem instead of a traceback or a CPU-bound hang.

The files nextadvance ships (the default playbook, lexicon and verb forms: ~150 KB, read
at the start of every run) are ``trusted``: their YAML events come from libyaml's C parser
when PyYAML has it, and our own composer (with its depth limit) builds the nodes from them;
PyYAML's pure-Python scanner and parser took ~0.5 s of each run for the same nodes.  A
test checks both paths give the same data and lines for every shipped file.  Anything a
user writes keeps the pure-Python path, whose error messages the docs and tests quote.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from nextadvance.core.errors import Problem

_CParser: Any
try:  # PyYAML built with libyaml (the wheels are)
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - a PyYAML without libyaml
    _CParser = None

__all__ = [
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_VALUES",
    "Located",
    "did_you_mean",
    "format_path",
    "load_yaml_file",
    "load_yaml_text",
]

KeyPath = tuple[str | int, ...]

#: The largest YAML file read (characters); the shipped ones are under 40,000.
MAX_CHARS = 2_000_000
#: The deepest nesting of mappings and lists; the shipped files nest at most 11 levels.
MAX_DEPTH = 64
#: The most values (keys, items, scalars) a file may expand to, aliases included.
MAX_VALUES = 200_000


class _TooBig(yaml.MarkedYAMLError):
    """A YAML limit was hit (depth, alias expansion): reported as a located problem."""

    def __init__(self, problem: str, mark: Any, expected: str, path: KeyPath = ()) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.expected = expected
        self.path = path


class _DepthLimit(Composer):
    """A composer that stops at :data:`MAX_DEPTH` levels (it recurses)."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooBig(
                    f"YAML nested deeper than {MAX_DEPTH} levels",
                    self.peek_event().start_mark,  # type: ignore[attr-defined]
                    f"at most {MAX_DEPTH} levels of mappings and lists",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(_DepthLimit, yaml.SafeLoader):
    """The safe loader whose composer stops at :data:`MAX_DEPTH` levels."""


_FastLoader: type | None = None
if _CParser is not None:

    class _CEventLoader(_DepthLimit, _CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        """:class:`_Loader` with libyaml's scanner and parser: the events come from C, our
        composer (listed first, so it is the one used) builds the nodes from them."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _FastLoader = _CEventLoader


def _compose(text: str, trusted: bool) -> Any:
    """The node tree of ``text``; libyaml's events for ``trusted`` text when available."""
    if trusted and _FastLoader is not None:
        try:
            return yaml.compose(text, Loader=_FastLoader)
        except yaml.YAMLError:
            pass  # the pure-Python path says what is wrong, in its own words
    return yaml.compose(text, Loader=_Loader)


@dataclass
class Located:
    """Plain YAML data plus the 1-based line of every key path in it."""

    data: Any
    file: str
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Line of the deepest prefix of ``path`` that we know (pydantic locs may go deeper)."""
        key: KeyPath = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)

    def problem(
        self,
        path: Sequence[str | int],
        message: str,
        *,
        expected: str | None = None,
        hint: str | None = None,
    ) -> Problem:
        """A :class:`Problem` located at ``path`` in this file."""
        return Problem(
            message=message,
            file=self.file,
            line=self.line_of(path),
            key_path=format_path(path),
            expected=expected,
            hint=hint,
        )


def format_path(path: Iterable[str | int]) -> str:
    """``("stages", 2, "key")`` -> ``stages[2].key``: the way people read a key path."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A ``did you mean 'x'?`` hint for a misspelt key or stage name, or None."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class _Builder:
    def __init__(self, keys_as_text: bool = False) -> None:
        self.keys_as_text = keys_as_text
        self.lines: dict[KeyPath, int] = {}
        self.duplicates: list[tuple[KeyPath, int, int]] = []
        self.values = 0

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _TooBig(
                f"YAML expands to more than {MAX_VALUES:,} values (aliases repeat what their "
                "anchor holds: an alias bomb?)",
                node.start_mark,
                f"at most {MAX_VALUES:,} values with aliases expanded",
                path[:1],
            )
        if len(path) > MAX_DEPTH:  # only aliases pointing at their own anchor get here
            raise _TooBig(
                f"YAML nested deeper than {MAX_DEPTH} levels (an alias inside its own anchor?)",
                node.start_mark,
                f"at most {MAX_DEPTH} levels of mappings and lists",
                path[:1],
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            first_line: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = self._key(key_node)
                line = key_node.start_mark.line + 1
                child: KeyPath = (*path, str(key) if not isinstance(key, int) else key)
                if key in out:
                    self.duplicates.append((child, first_line[key], line))
                first_line.setdefault(key, line)
                self.lines[child] = line
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.lines[(*path, i)] = item.start_mark.line + 1
                items.append(self.build(item, (*path, i)))
            return items
        return self._scalar(node)

    def _key(self, node: yaml.Node) -> Any:
        # Mapping keys as written: ``Yes:`` stays "Yes" (not True), ``007:`` stays "007".
        if self.keys_as_text and isinstance(node, yaml.ScalarNode):
            return str(node.value)
        return self._scalar(node)

    @staticmethod
    def _scalar(node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", node.start_mark
            )
        try:
            return _LOADER.construct_object(node, deep=True)
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            # a value its tag cannot hold: 2026-02-30 (a date), ``!!int abc``: located, never
            # a traceback (PyYAML lets the constructor's own error through)
            why = f": {exc}" if isinstance(exc, ValueError) else ""
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{node.value!r} is not a valid {_tag_name(node.tag)}{why}",
                node.start_mark,
            ) from exc


def _tag_name(tag: str) -> str:
    """``tag:yaml.org,2002:timestamp`` -> ``timestamp`` (a date or a date and time)."""
    name = tag.rsplit(":", 1)[-1]
    return "date" if name == "timestamp" else name


_LOADER = yaml.SafeLoader("")


def load_yaml_text(
    text: str, file: str, *, keys_as_text: bool = False, trusted: bool = False
) -> tuple[Located, list[Problem]]:
    """Parse YAML text; return the located data and the problems found (syntax, duplicates).

    With ``keys_as_text`` every mapping key is kept as the text written (YAML 1.1 would
    turn ``Yes``/``No`` keys into booleans and ``10`` into an int): CRM values are text.
    ``trusted``: a file nextadvance ships, parsed by libyaml when available (see above).
    """
    if len(text) > MAX_CHARS:
        return Located(None, file), [
            Problem(
                message=f"file too large: {len(text):,} characters",
                file=file,
                expected=f"at most {MAX_CHARS:,} characters",
            )
        ]
    try:
        root = _compose(text, trusted)
    except _TooBig as exc:
        return Located(None, file), [_limit_problem(exc, file)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or str(exc)
        return Located(None, file), [
            Problem(message=f"YAML syntax error: {what}", file=file, line=line)
        ]
    if root is None:
        return Located(None, file, {(): 1}), []
    builder = _Builder(keys_as_text)
    try:
        data = builder.build(root, ())
    except _TooBig as exc:
        return Located(None, file), [_limit_problem(exc, file)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return Located(None, file), [
            Problem(
                message=f"YAML error: {exc.problem}",
                file=file,
                line=mark.line + 1 if mark is not None else None,
            )
        ]
    located = Located(data, file, builder.lines)
    problems = [
        Problem(
            message=f"duplicate key (first defined on line {first})",
            file=file,
            line=line,
            key_path=format_path(path),
            hint="remove one of the two entries",
        )
        for path, first, line in builder.duplicates
    ]
    return located, problems


def _limit_problem(exc: _TooBig, file: str) -> Problem:
    mark = exc.problem_mark
    return Problem(
        message=str(exc.problem),
        file=file,
        line=mark.line + 1 if mark is not None else None,
        key_path=format_path(exc.path),
        expected=exc.expected,
    )


def load_yaml_file(
    path: str | Path, *, keys_as_text: bool = False, trusted: bool = False
) -> tuple[Located, list[Problem]]:
    """Read and parse a YAML file; unreadable files become a located problem, not a traceback."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > 4 * MAX_CHARS:  # do not even read it (characters are up to 4 bytes)
            return Located(None, str(p)), [
                Problem(
                    message=f"file too large: {size:,} bytes",
                    file=str(p),
                    expected=f"at most {MAX_CHARS:,} characters",
                )
            ]
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Located(None, str(p)), [Problem(message=f"cannot read file: {exc}", file=str(p))]
    return load_yaml_text(text, str(p), keys_as_text=keys_as_text, trusted=trusted)
