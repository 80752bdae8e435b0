"""``nextadvance sync`` against the messy Salesforce org, through simple-salesforce (issue #22)."""

from __future__ import annotations

import json
from typing import Any


def test_default_mapping_names_the_fls_hidden_field(make_world: Any) -> None:
    world = make_world("salesforce", deals=60, org="messy")
    code, report = world.sync()
    print(json.dumps(report, indent=1)[:3000])
    assert 0
