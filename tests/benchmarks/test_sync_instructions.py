"""benchmarks.sync_instructions reads cachegrind's count and the sync's own status line."""

from __future__ import annotations

import pytest

from benchmarks.sync_instructions import read_counts

_CACHEGRIND = """==123== Cachegrind, a high-precision tracing profiler
==123==
==123== I   refs:      28,086,862,591
"""


def test_counts_are_read_from_the_child_and_from_cachegrind() -> None:
    out = read_counts(0, "serving\nok 17\n", _CACHEGRIND, 2000)
    assert out == {
        "status": "ok",
        "api_calls": 17,
        "instructions": 28_086_862_591,
        "instructions_per_deal": 14_043_431,
    }


@pytest.mark.parametrize(
    ("returncode", "stdout", "stderr"),
    [
        (1, "ok 17\n", _CACHEGRIND),  # the sync child failed
        (0, "ok 17\n", "==123== no summary\n"),  # cachegrind printed no count
        (0, "", _CACHEGRIND),  # the child printed no status line
    ],
)
def test_a_failed_run_gives_no_figure(returncode: int, stdout: str, stderr: str) -> None:
    with pytest.raises(SystemExit, match="failed"):
        read_counts(returncode, stdout, stderr, 2000)
