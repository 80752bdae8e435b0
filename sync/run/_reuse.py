"""Keeping an open deal's write-back for the next run that would make the same one.

A scheduled run finds almost every open deal as the last run left it, yet deciding and
rendering them again was half of its time (a 10,000-deal org's idle run: ~5 of ~11 CPU
seconds).  ``decide`` is pure, and reads ``now`` only through its time class
(``core.time_class``), so a deal's write-back is a function of:

- the rules: the playbook, the mapping, the stage titles, and the code and data that
  shape a write-back: the engine, the renderer, the sync modules that build the deal and
  call them, the Python and pydantic versions and the time-zone rules (:func:`rules_digest`,
  once per run);
- the deal as the engine reads it: the mirror's texts it is built from (``MirroredDeal.digest``);
- the time class of the owner's ``now``.

:func:`deal_key` hashes the three; a run that computes the key stored with a deal's kept
write-back (``store/_decided.py``) uses that write-back, re-stamped with its own ``now``.
``--full`` decides every deal again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import sys
import zoneinfo
from collections.abc import Mapping as MappingABC
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import nextadvance
from nextadvance.core import Playbook, time_class
from nextadvance.core.models import Deal
from nextadvance.mappings import Mapping

__all__ = ["deal_key", "rules_digest"]


def rules_digest(playbook: Playbook, mapping: Mapping, stage_titles: MappingABC[str, str]) -> str:
    """The hash of everything besides the deal and ``now`` that a deal's write-back depends on."""
    h = hashlib.sha256()
    h.update(_code_digest().encode())
    h.update(playbook.model_dump_json().encode())
    h.update(mapping.model_dump_json().encode())
    h.update(json.dumps(dict(stage_titles), sort_keys=True).encode())
    return h.hexdigest()


def deal_key(rules: str, digest: str, deal: Deal, now: datetime) -> str:
    """The key of ``deal``'s write-back at ``now`` (the owner's) under ``rules``.

    ``digest``: the hash of the mirror's texts ``deal`` was built from (``MirroredDeal``),
    which stands for the deal (the same texts make the same deal under the mapping the
    rules hold) at a fifth of the cost of encoding it again.
    """
    h = hashlib.sha256(rules.encode())
    h.update(digest.encode())
    h.update(repr(time_class(deal, now)).encode())
    return h.hexdigest()


#: the sync's own modules that build the deal from the mirror and hand it to the engine
#: and the renderer (besides ``core`` and ``mappings``, hashed whole)
_SYNC_MODULES = ("store/_mirror_read.py", "store/_json.py", "run/_phase_decide.py", "run/_reuse.py")


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Everything installed that shapes a write-back, hashed: the engine's and renderer's
    source and data files, the sync modules that build the deal and call them, the Python
    and pydantic versions (text handling, parsing) and the time-zone rules.  An upgrade or
    a checkout between runs that changes any of them makes every kept write-back stale."""
    import pydantic

    import nextadvance.core as core
    import nextadvance.mappings as mappings
    import nextadvance.sync as sync

    h = hashlib.sha256(nextadvance.__version__.encode())
    h.update(f"{sys.version}|{pydantic.VERSION}|{_tz_rules()}".encode())
    for package in (core, mappings):
        root = Path(package.__file__ or "").parent
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".yaml", ".yml", ".json") and "__pycache__" not in path.parts:
                h.update(path.relative_to(root).as_posix().encode())
                h.update(path.read_bytes())
    root = Path(sync.__file__ or "").parent
    for name in _SYNC_MODULES:
        h.update(name.encode())
        h.update((root / name).read_bytes())
    return h.hexdigest()


def _tz_rules() -> str:
    """Which time-zone rules ``zoneinfo`` reads: the system database first (its version
    line), then the ``tzdata`` package (a rules update moves an owner's offset or day)."""
    found = []
    for base in zoneinfo.TZPATH:
        path = Path(base) / "tzdata.zi"
        if path.is_file():
            with path.open("rb") as fh:
                found.append(fh.readline().decode("ascii", "replace").strip())  # "# version 2025b"
            break
        if Path(base).is_dir():
            found.append(f"system {base}")
            break
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        found.append("tzdata " + importlib.metadata.version("tzdata"))
    return "|".join(found)
