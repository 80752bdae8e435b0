"""The shipped YAML files read through libyaml's parser exactly as through PyYAML's own,
and only the shipped files take that path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from nextadvance.mappings import _yaml, playbook
from nextadvance.mappings._yaml import MAX_DEPTH, load_yaml_file, load_yaml_text

SHIPPED = sorted((Path(playbook.__file__).parent / "defaults").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_read_the_same_through_libyaml(path: Path) -> None:
    """Same data, same line of every key path, same problems (none)."""
    assert _yaml._FastLoader is not None  # the wheels build PyYAML with libyaml
    for keys_as_text in (False, True):
        fast, fast_problems = load_yaml_file(path, keys_as_text=keys_as_text, trusted=True)
        pure, pure_problems = load_yaml_file(path, keys_as_text=keys_as_text)
        assert fast.data == pure.data and fast.data
        assert fast.lines == pure.lines
        assert fast_problems == pure_problems == []


def test_the_default_playbook_is_read_through_libyaml(monkeypatch: Any) -> None:
    """``load_playbook()`` parses its three shipped YAML files with the fast loader; a
    playbook a user names keeps the pure-Python one."""
    loaders: list[type] = []
    compose = yaml.compose

    def spy(text: str, Loader: type) -> Any:
        loaders.append(Loader)
        return compose(text, Loader=Loader)

    monkeypatch.setattr(yaml, "compose", spy)
    playbook.load_playbook()
    assert loaders == [_yaml._FastLoader] * 3
    loaders.clear()
    playbook.load_playbook(playbook.DEFAULT_PLAYBOOK)
    assert loaders[0] is _yaml._Loader


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\nb: 3\n",  # a syntax error
        "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",  # too deep
        "a: 1\na: 2\n",  # a duplicate key
    ],
)
def test_trusted_text_with_problems_reports_them_as_untrusted_text_does(text: str) -> None:
    """Problems in trusted text come out in the pure-Python path's words and lines."""
    fast, fast_problems = load_yaml_text(text, "f.yaml", trusted=True)
    pure, pure_problems = load_yaml_text(text, "f.yaml")
    assert fast_problems == pure_problems and pure_problems
    assert fast.data == pure.data
