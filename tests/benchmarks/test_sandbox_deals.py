"""The engine benchmark's sandbox deals: what a real full sync mirrors, cached per size."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from benchmarks import _sandbox_deals as sbd
from benchmarks.engine import run
from nextadvance.core.models import Deal


def test_sandbox_deals_are_the_mirrors_open_deals_and_are_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    deals, now = sbd.sandbox_deals("salesforce", 60, seed=3)
    assert sbd.cache_path("salesforce", 60, 3).parent == tmp_path
    assert 20 <= len(deals) < 60  # the open ones only
    assert all(isinstance(d, Deal) for d in deals)
    assert len({d.id for d in deals}) == len(deals)
    assert sum(len(d.activities) for d in deals) > len(deals)  # with their activities
    assert now.tzinfo is not None
    # the second call reads the cache: the same deals, no sandbox started
    monkeypatch.setattr(sbd, "_read_through_a_sync", lambda *a: pytest.fail("not cached"))
    again, then = sbd.sandbox_deals("salesforce", 60, seed=3)
    assert [d.id for d in again] == [d.id for d in deals] and then == now
    figures = run(60, seed=3, sandbox="salesforce")
    assert figures["deals"] == len(deals) and figures["deals_per_cpu_s"] > 0
