"""The deals a real sync hands the engine: the bundled sandbox's, read through a full sync.

``benchmarks._gen`` writes its own short notes; the sandbox's call notes are longer, several
sentences each, and often carry a commitment keyword ("Outcome: Avery will introduce us to
the CFO by 9/24"), so the engine works 2-5 times harder per deal on them (issue #20).  A
full sync of an ``n``-deal sandbox (real client libraries, SQLite state) fills the mirror;
its open deals, read back as the sync's decide phase reads them, are pickled once per
(crm, n, seed) under the temporary directory and reused, so two trees can be compared on
the very same deals (the pickle holds only ``core.models`` objects).
"""

from __future__ import annotations

import pickle
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from nextadvance.core.models import Deal

__all__ = ["cache_path", "sandbox_deals"]


def cache_path(crm: str, n: int, seed: int) -> Path:
    """Where the deals of one sandbox size are kept between benchmark runs."""
    return Path(tempfile.gettempdir()) / f"nextadvance-sandbox-deals-{crm}-{n}-{seed}.pickle"


def sandbox_deals(crm: str, n: int, seed: int = 7) -> tuple[list[Deal], datetime]:
    """The open deals of an ``n``-deal sandbox after a full sync, and the sync's time."""
    path = cache_path(crm, n, seed)
    if path.exists():
        with path.open("rb") as fh:
            deals, now = pickle.load(fh)  # our own file, written below
        return list(deals), now
    deals, now = _read_through_a_sync(crm, n, seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump((deals, now), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return deals, now


def _read_through_a_sync(crm: str, n: int, seed: int) -> tuple[list[Deal], datetime]:
    from benchmarks._harness import run_sync_here, sandbox_process, write_config
    from nextadvance.sync.config._settings import load_settings
    from nextadvance.sync.run._parts import load_parts
    from nextadvance.sync.store import Mirror, StateStore

    with sandbox_process(crm, n, seed) as sb:
        config = write_config(sb, rate_per_s=10_000 if crm == "hubspot" else None)
        now = datetime.now(UTC)
        report = run_sync_here(config)
        if report.get("status") != "ok":
            raise RuntimeError(f"the sandbox sync did not finish: {report.get('status')}")
        settings = load_settings(config)
        parts = load_parts(settings, "bench")
        store = StateStore.open(settings.state_url)
        deals: list[Deal] = []
        with store.session() as s:
            mirror = Mirror(s, "bench", lambda _d: True, parts.mapping)
            for chunk in mirror.iter_open():
                deals.extend(m.deal for m in chunk if m.unmapped is None)
        store.engine.dispose()
    return deals, now
