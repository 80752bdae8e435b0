"""JSON text made by the mirror (``sync/store/_json.py``) reads back as the dict it replaces."""

from __future__ import annotations

import json

from pydantic import BaseModel

from nextadvance.sync.store._json import RawJSON, dumps, model_json


class _Rec(BaseModel):
    id: str = "a1"
    text: str = 'Café "quoted"\nline'
    n: float = 1.5
    tags: list[str] = ["x", "ü"]


class _Empty(BaseModel):
    pass


def test_model_json_equals_model_dump_with_extra_keys() -> None:
    cases = [
        (_Rec(), {"_modified_at": "2026-12-06T23:00:00+00:00"}),
        (_Rec(), {"_crm_stage": None}),
        (_Empty(), {"a": "b", "c": 3}),
        (_Rec(), {}),
    ]
    for model, extra in cases:
        assert json.loads(model_json(model, **extra)) == {**model.model_dump(mode="json"), **extra}


def test_model_json_respects_exclude() -> None:
    assert json.loads(model_json(_Rec(), exclude={"tags"})) == {
        k: v for k, v in _Rec().model_dump(mode="json").items() if k != "tags"
    }


def test_serialiser_passes_raw_text_and_serialises_the_rest() -> None:
    raw = RawJSON('{"a":1}')
    assert dumps(raw) is raw
    assert dumps("plain") == '"plain"'  # a str that is not RawJSON is a JSON string
    assert json.loads(dumps({"d": [1, None]})) == {"d": [1, None]}
