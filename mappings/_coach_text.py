"""The coach payload as the field's text, and the signature that says whether it changed.

The sync renders one payload per open deal and its planner then compares it, without
``decided_at``, with what the CRM and the ledger hold (:func:`coach_signature`, through
``sync.run._values.norm``).  Parsing the text just rendered to get that signature cost a
JSON decode and encode per deal; :func:`coach_text` takes it from the payload itself (the
same bytes: a JSON-native dict encodes the same before and after a round trip) and keeps
it beside the text for the next few look-ups.  The CRM's copy of the previous payload and
the ledger's are the same text too, so a parsed signature is kept as well.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

__all__ = ["coach_json", "coach_signature", "coach_text", "restamp_coach"]

#: shape -> signature of the last payloads rendered or read: a deal's planning asks for its
#: own (rendered, CRM, ledger) a few times in a row, never for an old deal's.  A text's
#: shape is the text with its ``decided_at`` value left out (:func:`_shape`): texts of one
#: shape differ in that value alone, so they have one signature, and the CRM's copy of
#: yesterday's advice finds the signature of today's same advice
_RECENT: OrderedDict[str, str] = OrderedDict()
_RECENT_MAX = 8
_lock = threading.Lock()


#: ``json.dumps`` with these options, without building an encoder per call (the same
#: ``JSONEncoder.encode`` that ``json.dumps`` ends in; an encoder keeps no state between calls)
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def coach_json(payload: Mapping[str, Any]) -> str:
    """The payload as the field's text: compact JSON, keys in a fixed order, UTF-8 kept."""
    return _COMPACT(payload)


def _sorted_json(data: Mapping[str, Any]) -> str:
    return _SORTED(data)


#: the payload's ``decided_at`` and its value (no quote or backslash in it: a plain string);
#: a quote inside a JSON string is escaped, so no text a payload carries can look like it
_DECIDED_AT = re.compile(r'"decided_at":"([^"\\]*)"')


#: a JSON string (its escapes included): what a bracket inside does not open anything
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _decided_at(text: str) -> re.Match[str] | None:
    """The top-level ``decided_at`` of a payload's text, if it has one with a plain value.
    Only a ``"decided_at":"`` with no ``{`` or ``[`` before it but the opening one, outside
    strings, is surely the top-level key (ours come third, after ``v`` and ``stage``, whose
    title may hold brackets: ``"Qualification [EU]"``)."""
    found = _DECIDED_AT.search(text)
    if found is None:
        return None
    head = text[1 : found.start()]
    if ("{" in head or "[" in head) and any(c in "{[" for c in _STRING.sub("", head)):
        return None
    return found


def _shape(text: str) -> str:
    """``text`` without its top-level ``decided_at`` value: two texts of one shape differ in
    that plain string alone, so they have one signature; any other text is its own shape."""
    found = _decided_at(text)
    return text if found is None else text[: found.start(1)] + text[found.end(1) :]


def restamp_coach(text: str, decided_at: str) -> str:
    """A payload's text with its top-level ``decided_at`` set to ``decided_at`` (a kept
    write-back used by a later run); any other text as it is."""
    found = _decided_at(text)
    return text if found is None else text[: found.start(1)] + decided_at + text[found.end(1) :]


def _keep(text: str, signature: str) -> None:
    shape = _shape(text)
    with _lock:
        _RECENT[shape] = signature
        _RECENT.move_to_end(shape)
        while len(_RECENT) > _RECENT_MAX:
            _RECENT.popitem(last=False)


def coach_text(payload: Mapping[str, Any]) -> str:
    """:func:`coach_json`, its :func:`coach_signature` kept for the planner's next look-up.

    The signature is encoded from ``payload`` (str keys, JSON values: what
    :func:`~nextadvance.mappings._coach.build_coach` returns), not parsed back from the text.
    """
    text = coach_json(payload)
    if text.startswith('{"v":'):
        _keep(text, _sorted_json({k: v for k, v in payload.items() if k != "decided_at"}))
    return text


def coach_signature(text: str) -> str | None:
    """The payload's text without ``decided_at``: what decides whether it changed.

    ``decided_at`` moves on every run; comparing without it keeps the write idempotent (no
    write when the advice is the same), and the stored ``decided_at`` then says when this
    advice was first given.  None when ``text`` is not a coach payload.
    """
    if not text.startswith('{"v":'):
        return None
    known = _RECENT.get(_shape(text))
    if known is not None:
        return known
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    data.pop("decided_at", None)
    signature = _sorted_json(data)
    _keep(text, signature)
    return signature
