"""The engine benchmark runs end to end on a handful of generated deals."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_engine_benchmark_reports_throughput_and_memory() -> None:
    """benchmarks.engine.run decides generated deals and reports positive figures."""
    sys.path.insert(0, str(ROOT))
    try:
        engine = importlib.import_module("benchmarks.engine")
    finally:
        sys.path.remove(str(ROOT))
    result = engine.run(60)
    assert result["deals"] == 60
    assert result["deals_per_s"] > 0 and result["deals_per_cpu_s"] > 0
    assert result["peak_rss_mb"] > 0
