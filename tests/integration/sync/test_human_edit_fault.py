"""The sandbox's concurrent-edit fault: a rep changes a record right before our write lands."""

from __future__ import annotations

from typing import Any


def test_concurrent_human_edits_survive_our_writes(make_world: Any) -> None:
    """Edits a rep makes between our read and our write (deal next step, task status) are kept."""
    world = make_world("hubspot", deals=60)
    code, _ = world.sync()
    assert code == 0
    world.sb.admin("mutate", "POST", {"count": 30, "seed": 9})
    world.sb.set_faults(human_edit=1.0)
    code, report = world.sync()
    assert code == 0, report
    assert report["api_calls"]["writes"] > 0
    world.sb.set_faults(human_edit=0.0)
    snap = world.sb.snapshot()["hubspot"]
    edits = snap["human_edits"]
    assert edits, "the fault should have fired on our writes"
    objects = {
        (kind, str(o["id"])): o["properties"]
        for kind in ("deals", "tasks")
        for o in snap["objects"][kind]
    }
    for edit in edits:
        props = objects[(edit["type"], str(edit["id"]))]
        for name, value in edit["properties"].items():
            assert props.get(name) == value, (edit, props.get(name))
