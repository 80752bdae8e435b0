"""The engine's floor: what only *assembling* ``decide``'s output costs, beside ``decide``.

Issue #20 goal 3 asks for 20,000 deals per CPU-second, a budget of 50 µs per ``decide``.
This measures how much of that budget the output alone takes, with no decision logic at
all: each deal is decided once, then a straight-line function is generated per decision
that rebuilds its tree of output models (``core._decision.built``, the engine's own
unvalidated constructor), dicts, tuples and lists from the leaves (strings, numbers,
dates) the decision already holds.  Timing those functions gives the least Python work that
hands a caller the same objects; every string, date and number is taken ready-made, so
the real engine's formatting and every reading of the deal come on top.

Run from the repository root::

    .venv/bin/python -m benchmarks.engine_floor                      # 8,000 generated deals
    .venv/bin/python -m benchmarks.engine_floor --sandbox salesforce  # a 3,000-deal sandbox

Prints one JSON object: ``decide_us`` and ``assembly_us`` per deal (CPU, after a warm-up),
``budget_us`` (50), ``assembly_share_of_budget``, ``decide_over_budget``,
``tuples_assembly_us`` (the same tree with a plain tuple for each model: what even the
lightest Python objects would cost), and the size of an average decision (models, nodes,
JSON bytes).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from benchmarks._gen import deals
from benchmarks._sandbox_deals import sandbox_deals
from nextadvance.core import Decision, batch_gc, decide
from nextadvance.core._decision import built
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook

#: issue #20 goal 3: 20,000 deals per CPU-second
GOAL_PER_CPU_S = 20_000


def _expr(value: Any, consts: list[Any], bare: bool = False) -> str:
    """Python source that rebuilds ``value``; leaves go to ``consts`` and are read back.
    ``bare``: each model as a plain tuple of its values (the lightest object Python has)."""
    if isinstance(value, BaseModel):
        if bare:
            return (
                "(" + "".join(_expr(v, consts, bare) + "," for v in value.__dict__.values()) + ")"
            )
        consts.append(type(value))
        cls = len(consts) - 1
        consts.append(value.__pydantic_fields_set__)
        fields = len(consts) - 1
        items = ",".join(f"{k!r}:{_expr(v, consts, bare)}" for k, v in value.__dict__.items())
        return f"B(K[{cls}],{{{items}}},K[{fields}])"
    if isinstance(value, tuple):
        return "(" + "".join(_expr(v, consts, bare) + "," for v in value) + ")"
    if isinstance(value, list):
        return "[" + ",".join(_expr(v, consts, bare) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{_expr(k, consts, bare)}:{_expr(v, consts, bare)}" for k, v in value.items())
        return "{" + ",".join(pairs) + "}"
    consts.append(value)
    return f"K[{len(consts) - 1}]"


def assembler(decision: Decision, bare: bool = False) -> Callable[[], Any]:
    """A function of no logic that builds a decision equal to ``decision`` (new containers
    and models around the same leaves), as straight-line code; ``bare``: the same tree
    with plain tuples for models."""
    consts: list[Any] = []
    source = _expr(decision, consts, bare)
    code = compile(f"lambda B=B, K=K: {source}", "<assembly>", "eval")
    fn: Callable[[], Any] = eval(code, {"B": built, "K": consts})
    return fn


def _size(value: Any) -> tuple[int, int]:
    """(output models, nodes) in ``value``'s tree."""
    if isinstance(value, BaseModel):
        parts = [_size(v) for v in value.__dict__.values()]
        return 1 + sum(m for m, _ in parts), 1 + sum(n for _, n in parts)
    if isinstance(value, tuple | list | dict):
        items = value.values() if isinstance(value, dict) else value
        parts = [_size(v) for v in items]
        return sum(m for m, _ in parts), 1 + sum(n for _, n in parts)
    return 0, 1


def _time(fns: Sequence[Callable[[], Any]]) -> float:
    """CPU seconds to call each of ``fns`` once."""
    start = time.process_time()
    for fn in fns:
        fn()
    return time.process_time() - start


def measure(found: Sequence[Deal], now: datetime, warm: int) -> dict[str, float | int]:
    """Decide ``found`` (the first ``warm`` untimed), then time ``decide`` and the assembly
    of the same decisions, per deal."""
    playbook = load_playbook()
    with batch_gc():
        for deal in found[:warm]:
            decide(deal, playbook, now)
        timed = found[warm:]
        start = time.process_time()
        decisions = [decide(deal, playbook, now) for deal in timed]
        decide_s = time.process_time() - start
        assembly_s, bare_s = (
            _time([assembler(d, bare) for d in decisions]) for bare in (False, True)
        )
    n = len(timed)
    sizes = [_size(d) for d in decisions]
    budget = 1e6 / GOAL_PER_CPU_S
    decide_us, assembly_us, bare_us = (1e6 * s / n for s in (decide_s, assembly_s, bare_s))
    return {
        "deals": n,
        "decide_us": round(decide_us, 1),
        "assembly_us": round(assembly_us, 1),
        "budget_us": budget,
        "assembly_share_of_budget": round(assembly_us / budget, 2),
        "tuples_assembly_us": round(bare_us, 1),
        "decide_over_budget": round(decide_us / budget, 2),
        "models_per_decision": round(sum(m for m, _ in sizes) / n, 1),
        "nodes_per_decision": round(sum(k for _, k in sizes) / n, 1),
        "json_bytes_per_decision": round(
            sum(len(d.model_dump_json()) for d in decisions[:1000]) / min(n, 1000)
        ),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``--deals N`` (default 8000), ``--warm``, ``--seed``, ``--sandbox``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=8_000)
    parser.add_argument("--warm", type=int, default=2_000, help="deals decided before timing")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--sandbox",
        choices=("salesforce", "hubspot"),
        help="the open deals of a --deals sandbox read through a full sync (default 3000)",
    )
    args = parser.parse_args(argv)
    if args.sandbox:
        found, now = sandbox_deals(
            args.sandbox, args.deals if args.deals != 8_000 else 3_000, args.seed
        )
        warm = min(args.warm, len(found) // 4)
    else:
        now = datetime(2026, 11, 23, tzinfo=UTC)
        found = list(deals(args.deals, seed=args.seed, now=now))
        warm = min(args.warm, len(found) // 2)
    out = measure(found, now, warm)
    if args.sandbox:
        out = {"sandbox": args.sandbox, **out}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
