"""Mapping edits act on the next run, and deals the mapping does not name are listed, not dropped.

End to end through the CLI against the sandbox: before, a misspelled stage made ``sync`` report
``ok``/exit 0 with those deals silently gone, and a changed stage mapping was ignored until
``sync --full`` (``explain`` kept the old stage while ``mappings preview`` showed the new one).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from nextadvance.mappings import default_mapping_path

from .conftest import World, nextadvance_exe

STAGE = "Negotiation/Review"


def _with_mapping(world: World, *replace: tuple[str, str]) -> Path:
    """Point the world's connection at a copy of the stock mapping with ``replace`` applied."""
    text = default_mapping_path(world.crm).read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text
        text = text.replace(old, new)
    path = world.config.parent / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    config = world.config.read_text(encoding="utf-8")
    if "mapping:" not in config:
        world.config.write_text(config + f"    mapping: {path}\n", encoding="utf-8")
    return path


def _cli(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [nextadvance_exe(), *args, "--config", str(world.config)],
        capture_output=True,
        text=True,
        env={**os.environ, **world.env, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=180,
    )


def _negotiation_deals(world: World) -> list[str]:
    snap = world.sb.snapshot()["salesforce"]["Opportunity"]
    return [o["Id"] for o in snap if o.get("StageName") == STAGE and not o.get("IsDeleted")]


def test_unmapped_stage_is_listed_and_the_run_is_partial(make_world: Callable[..., World]) -> None:
    """A misspelled stage key: those open deals are listed (JSON and summary), status partial."""
    world = make_world("salesforce", deals=40)
    neg = _negotiation_deals(world)
    assert neg, "the sandbox should have deals in negotiation"
    _with_mapping(world, (f"      {STAGE}: negotiation", "      Negociation/Review: negotiation"))

    code, report = world.sync()
    assert code == 1, report
    assert report["status"] == "partial"
    assert report["deals"]["unmapped"] == len(neg)
    assert report["deals"]["decided"] + len(neg) == report["deals"]["open"]
    listed = {u["deal"]: u for u in report["unmapped"]}
    assert set(listed) == set(neg)
    item = listed[neg[0]]
    assert item["stage"] == STAGE and item["pipeline"] == "default"
    assert f"stage '{STAGE}' of pipeline 'default' is not mapped in mapping.yaml" in item["message"]
    assert "pipelines.default.stages" in item["message"]

    proc = _cli(world, "sync", "-C", "salesforce")
    assert proc.returncode == 1, proc.stderr
    assert "unmapped open deals (not decided)" in proc.stdout
    assert f"unmapped deal {neg[0]}" in proc.stdout
    assert "partial" in proc.stdout
    explained = _cli(world, "explain", "-C", "salesforce", "--deal", neg[0])
    assert explained.returncode == 2, explained.stdout + explained.stderr
    assert f"deal {neg[0]} cannot be decided: stage '{STAGE}'" in " ".join(explained.stderr.split())


def test_fixed_mapping_acts_on_the_next_run_without_reading_the_crm_again(
    make_world: Callable[..., World],
) -> None:
    """Fixing the stage key: the next (incremental) run decides the deals from the mirror."""
    world = make_world("salesforce", deals=40)
    neg = _negotiation_deals(world)
    path = _with_mapping(world, (f"      {STAGE}: negotiation", "      Nego: negotiation"))
    # no write-back: our own writes would echo back and be pulled again
    world.config.write_text(world.config.read_text() + "    writeback: false\n")
    code, first = world.sync()
    assert first["deals"]["unmapped"] == len(neg)

    path.write_text(path.read_text().replace("Nego: negotiation", f"{STAGE}: negotiation"))
    code, second = world.sync()
    assert code == 0, second
    assert second["status"] == "ok"
    assert second["deals"]["pulled"] == 0  # nothing re-read from the CRM
    assert second["deals"]["unmapped"] == 0
    assert second["deals"]["decided"] == second["deals"]["open"] == first["deals"]["open"]


def test_changed_stage_mapping_shows_in_explain_and_preview_alike(
    make_world: Callable[..., World],
) -> None:
    """Re-mapping a stage: the next sync, ``explain`` and ``mappings preview`` all use it."""
    world = make_world("salesforce", deals=40)
    deal = _negotiation_deals(world)[0]
    path = _with_mapping(world)
    world.config.write_text(world.config.read_text() + "    writeback: false\n")  # no echoes
    code, _ = world.sync()
    assert code == 0
    before = _cli(world, "explain", "-C", "salesforce", "--deal", deal)
    assert before.returncode == 0, before.stderr
    assert "negotiation" in before.stdout

    path.write_text(path.read_text().replace(f"{STAGE}: negotiation", f"{STAGE}: proposal"))
    code, report = world.sync()
    assert code == 0, report
    explained = _cli(world, "explain", "-C", "salesforce", "--deal", deal)
    preview = _cli(world, "mappings", "preview", "-C", "salesforce", "--deal", deal)
    assert explained.returncode == 0, explained.stderr
    assert preview.returncode == 0, preview.stderr
    for out in (explained.stdout, preview.stdout):
        assert _stage_line(out) == "proposal", out


def _stage_line(text: str) -> str:
    """The canonical stage in a command's headline (``<name> (<id>) - stage <key>, ...``)."""
    found = re.search(r"\) - stage ([a-z_]+)", text)
    return found.group(1) if found else text[:400]


def test_pipeline_the_mapping_leaves_out_is_counted_not_silent(
    make_world: Callable[..., World],
) -> None:
    """HubSpot's second pipeline (not in the stock mapping): its deals are counted per pipeline."""
    world = make_world("hubspot", deals=20)
    snap = world.sb.snapshot()["hubspot"]["objects"]["deals"]
    other = [d for d in snap if d["properties"].get("pipeline") == "7654321"]
    assert other
    code, report = world.sync()
    assert code == 0, report  # leaving a pipeline out is a choice: warned, not partial
    assert report["pipelines_left_out"] == {"7654321": len(other)}
    assert report["deals"]["other_pipelines"] == len(other)
    proc = _cli(world, "sync", "-C", "hubspot")
    assert f"skipped {len(other)} deal(s) of pipeline '7654321'" in proc.stdout


def test_stage_remapped_to_closed_closes_our_tasks_on_the_next_run(
    make_world: Callable[..., World],
) -> None:
    """Re-mapping a stage to a closed one: its deals are no longer open and our open tasks on
    them are closed by the next run (found in SQL against the mirror, not a set of ids)."""
    world = make_world("salesforce", deals=40)
    neg = _negotiation_deals(world)
    path = _with_mapping(world)
    code, first = world.sync()
    assert code == 0, first
    with_task = [d for d in neg if any(not t["completed"] for t in world.state()[d]["tasks"])]
    assert with_task, "the negotiation deals should have open tasks of ours"
    world.sb.advance_clock(1800)  # past the look-back: the next run reads our echoes once
    world.sync()
    world.sb.advance_clock(1800)

    path.write_text(path.read_text().replace(f"{STAGE}: negotiation", f"{STAGE}: closed_lost"))
    code, second = world.sync()
    assert code == 0, second
    assert second["deals"]["pulled"] == 0  # still open in the mirror: closed by the mapping
    assert second["deals"]["open"] == first["deals"]["open"] - len(neg)
    assert second["tasks"]["closed"] == len(with_task)
    state = world.state()
    assert all(t["completed"] for d in neg for t in state[d]["tasks"])
    code, third = world.sync()
    assert third["tasks"]["closed"] == 0 and third["api_calls"]["writes"] == 0
