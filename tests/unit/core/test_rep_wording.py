"""What a rep reads must read like a sales manager wrote it: no doubled words, no one
person in two places of one sentence, short bad-news lines, an opening said on the call."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from nextadvance.core import Playbook, decide

NORA = {"id": "c1", "name": "Nora Diaz", "role": "champion"}


def _rep_text(d: Any) -> list[str]:
    co, c = d.call_objective, d.coaching
    out = [c.subject, c.verdict, *c.body, co.opening, co.close]
    for adv in (co.stretch, co.conservative):
        if adv is not None:
            out += [adv.text, adv.subject, adv.ask]
    return [x for x in out if x]


def test_opening_is_said_on_the_call_and_says_today_once(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """The task is read days before the call: no "by the end of today" on a later day."""
    d = decide(make_deal(contacts=[NORA]), playbook, now)
    opening = d.call_objective.opening
    assert d.call_objective.stretch is not None
    assert d.call_objective.stretch.advance_id == "process_walkthrough"
    assert (
        opening
        == "Before we wrap up, I'd like us to agree on a walkthrough of how this works today."
    )
    for line in _rep_text(d):
        assert len(re.findall(r"\btoday\b", line)) <= 1, line
