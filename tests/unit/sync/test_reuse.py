"""The key of a deal's kept write-back, and the store that keeps it (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks._gen import deals
from nextadvance.core import time_class
from nextadvance.mappings import default_mapping_path, load_mapping, load_playbook
from nextadvance.sync.run._reuse import deal_key, rules_digest
from nextadvance.sync.store._db import StateStore
from nextadvance.sync.store._decided import Decided

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)


def _rules() -> str:
    playbook = load_playbook()
    titles = {s.key: s.title for s in playbook.stages if s.title}
    return rules_digest(playbook, load_mapping(default_mapping_path("salesforce")), titles)


def test_the_key_follows_the_deal_the_rules_and_the_time_class() -> None:
    rules = _rules()
    deal = next(deals(1, seed=9, now=NOW))
    digest = "d" * 64  # what MirrorReads hashes from the mirror's texts
    key = deal_key(rules, digest, deal, NOW)
    assert deal_key(rules, digest, deal, NOW) == key
    assert deal_key(rules, "e" * 64, deal, NOW) != key  # the mirror's texts changed
    assert deal_key(rules[::-1], digest, deal, NOW) != key
    tomorrow = NOW + timedelta(days=1)
    assert time_class(deal, tomorrow) != time_class(deal, NOW)
    assert deal_key(rules, digest, deal, tomorrow) != key
    # a second later nothing the engine can see has moved (no datetime of this deal is
    # within a second of a whole day before NOW: the generator keeps whole minutes)
    assert time_class(deal, NOW + timedelta(seconds=1)) == time_class(deal, NOW)
    assert deal_key(rules, digest, deal, NOW + timedelta(seconds=1)) == key


def test_the_rules_digest_follows_the_playbook_and_the_mapping() -> None:
    playbook = load_playbook()
    titles = {s.key: s.title for s in playbook.stages if s.title}
    sf = load_mapping(default_mapping_path("salesforce"))
    hs = load_mapping(default_mapping_path("hubspot"))
    base = rules_digest(playbook, sf, titles)
    assert (
        rules_digest(load_playbook(), load_mapping(default_mapping_path("salesforce")), titles)
        == base
    )
    assert rules_digest(playbook, hs, titles) != base
    stricter = playbook.model_copy(
        update={"thresholds": playbook.thresholds.model_copy(update={"close_soon_days": 3})}
    )
    assert rules_digest(stricter, sf, titles) != base
    assert rules_digest(playbook, sf, {**titles, "x": "X"}) != base


def test_the_code_digest_follows_what_builds_and_renders_the_deal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Besides core/ and mappings/: the sync modules that build the deal from the mirror and
    call the engine, the Python and pydantic versions, and the time-zone rules."""
    import shutil

    import pydantic

    import nextadvance.sync as sync
    from nextadvance.sync.run import _reuse

    def digest() -> str:
        _reuse._code_digest.cache_clear()
        return _reuse._code_digest()

    base = digest()
    assert digest() == base and _reuse._tz_rules()
    root = Path(sync.__file__).parent
    for name in _reuse._SYNC_MODULES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, tmp_path / name)
    monkeypatch.setattr(sync, "__file__", str(tmp_path / "__init__.py"))
    assert digest() == base  # the same files elsewhere: the same digest
    mirror_read = tmp_path / "store" / "_mirror_read.py"
    mirror_read.write_text(mirror_read.read_text() + "\n# changed\n")
    assert digest() != base
    monkeypatch.undo()
    monkeypatch.setattr(pydantic, "VERSION", "0.0.1")
    assert digest() != base
    monkeypatch.undo()
    monkeypatch.setattr(_reuse, "_tz_rules", lambda: "# version 1999a")
    assert digest() != base
    monkeypatch.undo()
    assert digest() == base


def test_kept_rows_round_trip_and_are_replaced(store: StateStore) -> None:
    with store.session() as s:
        decided = Decided(s, "crm")
        plan = {
            "deal_id": "d1",
            "deal_object": "Opportunity",
            "deal_fields": {"a": {"date": "2026-01-02"}},
            "task": None,
        }
        decided.keep(
            [("d1", "k1", False, plan), ("d2", "k2", True, {**plan, "deal_id": "d2"})], {}, NOW
        )
        s.commit()
    with store.session() as s:
        decided = Decided(s, "crm")
        kept = decided.for_deals(["d1", "d2", "d3"])
        assert kept == {"d1": ("k1", False, plan), "d2": ("k2", True, {**plan, "deal_id": "d2"})}
        assert Decided(s, "other").for_deals(["d1"]) == {}
        decided.keep([("d1", "k9", True, {**plan, "task": None, "deal_fields": {}})], kept, NOW)
        s.commit()
    with store.session() as s:
        assert Decided(s, "crm").for_deals(["d1"]) == {
            "d1": ("k9", True, {**plan, "deal_fields": {}})
        }


def test_rows_of_deals_no_longer_open_are_forgotten(store: StateStore) -> None:
    """Only open deals keep a row: closed or gone from the mirror, or named as skipped
    (re-mapped closed, unmapped); another connection's rows are left alone."""
    from nextadvance.sync.store import _tables as t

    plan = {"deal_id": "x", "deal_object": "Opportunity", "deal_fields": {}, "task": None}
    with store.session() as s:
        for conn, deal_id, is_open in (
            ("crm", "open1", True),
            ("crm", "open2", True),
            ("crm", "skip", True),
            ("crm", "won", False),
            ("other", "won", False),
        ):
            s.add(
                t.Deal(
                    connection=conn,
                    deal_id=deal_id,
                    is_open=is_open,
                    data={},
                    crm_values={},
                    updated_at=NOW,
                )
            )
        for conn in ("crm", "other"):
            Decided(s, conn).keep(
                [(d, "k", False, plan) for d in ("open1", "open2", "skip", "won", "gone")], {}, NOW
            )
        s.commit()
    with store.session() as s:
        Decided(s, "crm").forget_closed(["skip"])
        s.commit()
    with store.session() as s:
        ids = ["open1", "open2", "skip", "won", "gone"]
        assert set(Decided(s, "crm").for_deals(ids)) == {"open1", "open2"}
        assert set(Decided(s, "other").for_deals(ids)) == set(ids)
