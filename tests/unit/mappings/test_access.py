"""Compiled field access (``_access``) reads exactly what the interpreting helpers read."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nextadvance.mappings._access import Lookup, field_getter, path_getter, text
from nextadvance.mappings._values import get_path, lookup_value, to_text

_KEYS = st.sampled_from(["a", "b", "a.b", "Account", "Name", ""])
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["  ", " Closed Won ", "closed-won", "CLOSED_WON", "x;y", "Call"]),
    st.just(date(2026, 1, 2)),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=8,
)
_PATHS = st.sampled_from(["a", "b", "a.b", "a.b.a", "Account.Name", "Name", "", "a."])


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=4), _PATHS)
def test_path_getter_is_get_path(record: dict[str, Any], path: str) -> None:
    """Literal dotted keys first, nesting through mappings, a miss or non-mapping is None."""
    assert path_getter(path)(record) == get_path(record, path)


def test_field_getter_of_an_unset_path_reads_nothing() -> None:
    assert field_getter(None)({"": 1}) is None
    assert field_getter("")({"": 1}) is None
    assert field_getter("a.b")({"a": {"b": 2}}) == 2


@settings(max_examples=400, deadline=None)
@given(_VALUES)
def test_text_is_to_text(value: Any) -> None:
    assert text(value) == to_text(value)


_TABLE = {"Closed Won": "won", "closed_won": "other", "Call": "call", "No Answer": "no_show"}


@settings(max_examples=400, deadline=None)
@given(_SCALARS)
def test_lookup_is_lookup_value_and_remembers_nothing_wrong(raw: Any) -> None:
    """Exact key, then loose (case, spaces, ``_``/``-``) with the first key in order winning;
    asking twice (the memo) gives the same answer."""
    table = Lookup(_TABLE)
    assert table(raw) == lookup_value(_TABLE, raw)
    assert table(raw) == lookup_value(_TABLE, raw)
