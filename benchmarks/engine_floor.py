"""The engine's floor: what only *assembling* ``decide``'s output costs, beside ``decide``.

Issue #20 goal 3 asks for 20,000 deals per CPU-second, a budget of 50 µs per ``decide``.
This measures how much of that budget the output alone takes, with no decision logic at
all.  Each deal is decided once (timed: ``decide``).  Then, for a sample of the decisions,
straight-line code is generated that rebuilds the decision's tree of output models
(``core._decision.built``, the engine's own unvalidated constructor), dicts, tuples and
lists around the leaves (strings, numbers, dates) it already holds:

- every leaf is a local (a default argument), as the engine's values are;
- a node the engine hands to several decisions (a memoised explanation or objective
  result) is a leaf too: the engine does not build it again either;
- each function is called a few times untimed first (CPython specialises code after a
  few calls), then timed over several rounds, the results kept alive (as ``decide``'s).

So every string, date and number is taken ready-made, and the real engine's formatting
and every reading of the deal come on top: a floor, not an estimate.  The same tree with a
plain tuple for each model shows what even the lightest Python objects would cost.

Run from the repository root::

    .venv/bin/python -m benchmarks.engine_floor                      # 8,000 generated deals
    .venv/bin/python -m benchmarks.engine_floor --sandbox salesforce  # a 3,000-deal sandbox

Prints one JSON object: ``decide_us`` and ``assembly_us`` per deal (CPU, after a warm-up),
``budget_us`` (50), ``assembly_share_of_budget``, ``decide_over_budget``,
``tuples_assembly_us``, and the size of an average decision (models, nodes, the models and
containers an assembly builds, JSON bytes).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Collection, Iterator, Sequence
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
#: decisions whose assembly is timed (their code stays warm in the interpreter's caches)
SAMPLE = 300
#: untimed calls of each assembly first (CPython specialises code after a few calls)
WARM_CALLS = 10
#: timed calls of each assembly
ROUNDS = 10


class _Source:
    """Python source for one decision's tree, its leaves passed in as locals."""

    def __init__(self, shared: frozenset[int], bare: bool) -> None:
        self.shared = shared
        self.bare = bare
        self.leaves: list[Any] = []

    def leaf(self, value: Any) -> str:
        self.leaves.append(value)
        return f"a{len(self.leaves) - 1}"

    def expr(self, value: Any) -> str:
        """Source that rebuilds ``value``: new models and containers around its leaves.

        A node the engine hands to several decisions (a memoised explanation, objective
        result or choice) is a leaf, as the engine hands it over ready-made."""
        if id(value) in self.shared:
            return self.leaf(value)
        if isinstance(value, BaseModel):
            if self.bare:
                return "(" + "".join(self.expr(v) + "," for v in value.__dict__.values()) + ")"
            cls, fields = self.leaf(type(value)), self.leaf(value.__pydantic_fields_set__)
            items = ",".join(f"{k!r}:{self.expr(v)}" for k, v in value.__dict__.items())
            return f"B({cls},{{{items}}},{fields})"
        if isinstance(value, tuple):
            return "(" + "".join(self.expr(v) + "," for v in value) + ")"
        if isinstance(value, list):
            return "[" + ",".join(self.expr(v) for v in value) + "]"
        if isinstance(value, dict):
            pairs = (f"{self.expr(k)}:{self.expr(v)}" for k, v in value.items())
            return "{" + ",".join(pairs) + "}"
        return self.leaf(value)


def assembler(
    decision: Decision, bare: bool = False, shared: frozenset[int] = frozenset()
) -> Callable[[], Any]:
    """A function of no logic that builds a decision equal to ``decision`` (new containers
    and models around the same leaves), as straight-line code with every leaf a local
    (a default argument); nodes whose ids are in ``shared`` are leaves too.  ``bare``: the
    same tree with plain tuples for models."""
    source = _Source(shared, bare)
    body = source.expr(decision)
    params = "".join(f", a{i}=K[{i}]" for i in range(len(source.leaves)))
    code = compile(f"lambda B=B{params}: {body}", "<assembly>", "eval")
    fn: Callable[[], Any] = eval(code, {"B": built, "K": source.leaves})
    return fn


def _children(value: Any) -> Collection[Any]:
    """A model's field values, a dict's values, a tuple's or list's items."""
    if isinstance(value, BaseModel):
        return value.__dict__.values()
    return value.values() if isinstance(value, dict) else value


def _nodes(value: Any, leaves: frozenset[int] = frozenset()) -> Iterator[Any]:
    """Every model and container in ``value``'s tree (itself first), but those whose ids are
    in ``leaves`` and what lies under them."""
    if isinstance(value, BaseModel | tuple | list | dict) and id(value) not in leaves:
        yield value
        for v in _children(value):
            yield from _nodes(v, leaves)


def shared_nodes(decisions: Sequence[Decision]) -> frozenset[int]:
    """Ids of the nodes found in more than one of ``decisions`` (the engine's memos hand
    the same object to many deals); the decisions must stay alive while the ids are used."""
    seen: dict[int, int] = {}
    for i, d in enumerate(decisions):
        for node in _nodes(d):
            if seen.setdefault(id(node), i) != i:
                seen[id(node)] = -1
    return frozenset(k for k, v in seen.items() if v == -1)


def _size(value: Any) -> tuple[int, int]:
    """(output models, nodes) in ``value``'s tree: a node is the root or any child."""
    inner = list(_nodes(value))
    models = sum(isinstance(n, BaseModel) for n in inner)
    return models, 1 + sum(len(_children(n)) for n in inner)


def _warm_time(fns: Sequence[Callable[[], Any]]) -> float:
    """CPU seconds per call of ``fns``, warm: each is called ``WARM_CALLS`` times first (the
    interpreter specialises code after a few calls), then ``ROUNDS`` times timed, the
    results kept (``decide``'s are kept too, so neither side times freeing them)."""
    for _ in range(WARM_CALLS):
        for fn in fns:
            fn()
    kept: list[Any] = []
    start = time.process_time()
    for _ in range(ROUNDS):
        kept.extend([fn() for fn in fns])
    spent = time.process_time() - start
    del kept
    return spent / (ROUNDS * len(fns))


def measure(found: Sequence[Deal], now: datetime, warm: int) -> dict[str, float | int]:
    """Decide ``found`` (the first ``warm`` untimed), then time ``decide`` and, warm, the
    assembly of a sample of the same decisions, per deal."""
    playbook = load_playbook()
    with batch_gc():
        for deal in found[:warm]:
            decide(deal, playbook, now)
        timed = found[warm:]
        start = time.process_time()
        decisions = [decide(deal, playbook, now) for deal in timed]
        decide_s = time.process_time() - start
        shared = shared_nodes(decisions)
        step = max(1, len(decisions) // SAMPLE)
        sample = decisions[::step][:SAMPLE]
        assembly_s, bare_s = (
            _warm_time([assembler(d, bare, shared) for d in sample]) for bare in (False, True)
        )
    n = len(timed)
    sizes = [_size(d) for d in decisions]
    built_nodes = sum(len(list(_nodes(d, shared))) for d in sample) / len(sample)
    budget = 1e6 / GOAL_PER_CPU_S
    decide_us = 1e6 * decide_s / n
    assembly_us, bare_us = 1e6 * assembly_s, 1e6 * bare_s
    return {
        "deals": n,
        "decide_us": round(decide_us, 1),
        "assembly_us": round(assembly_us, 1),
        "budget_us": budget,
        "assembly_share_of_budget": round(assembly_us / budget, 2),
        "tuples_assembly_us": round(bare_us, 1),
        "decide_over_budget": round(decide_us / budget, 2),
        "assembled_sample": len(sample),
        "models_per_decision": round(sum(m for m, _ in sizes) / n, 1),
        "nodes_per_decision": round(sum(k for _, k in sizes) / n, 1),
        "models_and_containers_built_per_decision": round(built_nodes, 1),
        "json_bytes_per_decision": round(
            sum(len(d.model_dump_json()) for d in decisions[:1000]) / min(n, 1000)
        ),
    }


def run(
    n: int | None = None, seed: int = 7, warm: int = 2_000, sandbox: str | None = None
) -> dict[str, Any]:
    """The figures for ``n`` generated deals (default 8,000), or for the open deals of an
    ``n``-deal ``sandbox`` (default 3,000)."""
    if sandbox:
        found, now = sandbox_deals(sandbox, n or 3_000, seed)
        out: dict[str, Any] = measure(found, now, min(warm, len(found) // 4))
        return {"sandbox": sandbox, **out}
    now = datetime(2026, 11, 23, tzinfo=UTC)
    found = list(deals(n or 8_000, seed=seed, now=now))
    return measure(found, now, min(warm, len(found) // 2))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``--deals N`` (default 8000), ``--warm``, ``--seed``, ``--sandbox``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--deals", type=int, default=None, help="deals (default 8000; 3000 with --sandbox)"
    )
    parser.add_argument("--warm", type=int, default=2_000, help="deals decided before timing")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--sandbox",
        choices=("salesforce", "hubspot"),
        help="the open deals of a --deals sandbox read through a full sync (default 3000)",
    )
    args = parser.parse_args(argv)
    out = run(args.deals, args.seed, args.warm, args.sandbox)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
