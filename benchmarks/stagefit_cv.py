"""Leave-one-author-out figures of the learned stage-fit model (and the tool that trains it).

Run from the repository root::

    .venv/bin/python -m benchmarks.stagefit_cv              # LOAO: rules alone vs rules + model
    .venv/bin/python -m benchmarks.stagefit_cv --grid       # ... over thresholds and L2
    .venv/bin/python -m benchmarks.stagefit_cv --write      # train on all of train/, ship it

The next-step rules were tuned on every training author, so their per-author score here is
flattered; the model is honest only when scored on an author it did not train on.  Each
fold trains the model on all training authors but one and runs the *full* check (rules +
model) on that author's texts; the rules alone run on the same texts.  A training example
is a committed clause (a client action said with who or when) of a text labelled
``advance`` at stage *s* (its size is at most *s*) or ``unrealistic_for_stage`` at *s*
(bigger than *s*).  Only ``train/`` is read; never a held-out split.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from dataclasses import dataclass, replace

from benchmarks._weights import write_table
from benchmarks.corpus import ROOT, STAGES, _contacts, _rows
from nextadvance.core._nextstep import CompiledLexicon
from nextadvance.core._parse import Clause
from nextadvance.core._stage_model import StageModel, step_features
from nextadvance.mappings import load_playbook
from nextadvance.mappings.playbook import DEFAULT_STAGE_MODEL

#: features seen in fewer training clauses are dropped (names, typos)
MIN_COUNT = 3
#: the shipped configuration, chosen by the LOAO grid (see docs/playbook.md)
THRESHOLD = 0.85
L2 = 1e-2
Contacts = tuple[tuple[str, str, str], ...]


@dataclass
class Row:
    """One labelled next step with its parse."""

    author: str
    text: str
    stage: str
    gold: str
    contacts: Contacts
    clauses: tuple[Clause, ...]


def load(lex: CompiledLexicon) -> list[Row]:
    """Every training next step, parsed once (the parse does not depend on the model)."""
    rows = []
    for author, row in _rows(ROOT / "train", "nextsteps"):
        contacts = tuple((c.name, c.title or "", c.role or "") for c in _contacts(row))
        text = row["text"]
        clauses = () if lex.is_empty(text) else lex.parser.parse(text.strip(), lex.people(contacts))
        rows.append(Row(author, text, row["stage"], row["verdict"], contacts, clauses))
    return rows


def candidates(lex: CompiledLexicon, clauses: tuple[Clause, ...]) -> list[Clause]:
    """The committed clauses that could make a text an advance (or too big a step): a
    positive client action with who or when, not a small step already done."""
    dated = any(c.when for c in clauses)
    joint = lex.lexicon.joint_actions
    return [
        c
        for c in clauses
        if c.commitment
        and not c.vague
        and c.words
        and not (not dated and c.form == "past" and c.min_stage is None and c.action not in joint)
        and ((c.actor == "client" and c.specific) or dated)
    ]


Example = tuple[tuple[str, ...], int, int]  # features, stage index, 1: bigger than the stage


def examples(lex: CompiledLexicon, rows: list[Row], implied: bool = True) -> list[Example]:
    """Training examples: per advance text its first clause the rules let fit (size <= s),
    per unrealistic text every candidate clause (size > s); ``implied`` adds what follows
    for the other stages (<= s also says <= every later stage; > s, > every earlier one)."""
    order = lex.order
    out: list[Example] = []
    for r in rows:
        here = order.get(r.stage, 0)
        # a step the lexicon says fits any stage never reaches the model: no example
        cands = [
            c
            for c in candidates(lex, r.clauses)
            if c.min_stage is not None or not lex.fits_any_stage(c)
        ]
        if r.gold == "advance":
            fits = [c for c in cands if c.min_stage is None or order.get(c.min_stage, 0) <= here]
            picked, y = (fits or cands)[:1], 0
        elif r.gold == "unrealistic_for_stage":
            picked, y = cands, 1
        else:
            continue
        for c in picked:
            feats = step_features(c.words)
            out.append((feats, here, y))
            if implied:
                more = range(here + 1, len(order)) if y == 0 else range(here)
                out.extend((feats, s, y) for s in more)
    return out


def train(
    data: list[Example],
    stages: int,
    l2: float = L2,
    epochs: int = 15,
    rate: float = 0.3,
    min_count: int = MIN_COUNT,
    seed: int = 7,
) -> tuple[dict[str, float], list[float]]:
    """Ordinal logistic regression by AdaGrad SGD (pure Python): shared feature weights,
    one bias per stage.  Features seen in fewer than ``min_count`` clauses are dropped."""
    counts = Counter(f for fs in {d[0] for d in data} for f in fs)
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
    xs = [([vocab[f] for f in fs if f in vocab], s, y) for fs, s, y in data]
    w = [0.0] * len(vocab)
    g2 = [1e-8] * len(vocab)
    b = [0.0] * stages
    gb = [1e-8] * stages
    rng = random.Random(seed)
    order = list(range(len(xs)))
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            x, s, y = xs[i]
            z = b[s] + sum(w[j] for j in x)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            err = p - y
            gb[s] += err * err
            b[s] -= rate * err / math.sqrt(gb[s])
            for j in x:
                g = err + l2 * w[j]
                g2[j] += g * g
                w[j] -= rate * g / math.sqrt(g2[j])
    names = sorted(vocab, key=vocab.__getitem__)
    return {names[j]: v for j, v in enumerate(w) if abs(v) >= 1e-3}, b


def score(
    lex: CompiledLexicon, rows: list[Row], model: StageModel | None, hide: bool = False
) -> Counter[str]:
    """Counts of the full check on ``rows`` with ``model`` (None: the rules alone);
    ``hide``: every action's ``min_stage`` is dropped, so stage fit is the model's alone
    (how it reads an author whose big steps no rule names)."""
    lex.stage_model = model
    lex._sizes.clear()
    c: Counter[str] = Counter()
    for r in rows:
        clauses = tuple(replace(x, min_stage=None) for x in r.clauses) if hide else r.clauses
        got = "empty" if not clauses else lex.verdict(clauses, r.stage).verdict
        c["texts"] += 1
        c["right"] += got == r.gold
        if r.gold == "advance":
            c["advance"] += 1
            c["advance_right"] += got == "advance"
            c["advance_to_unrealistic"] += got == "unrealistic_for_stage"
        else:
            c["not_advance"] += 1
            c["wrongly_advance"] += got == "advance"
        if r.gold == "unrealistic_for_stage":
            c["unrealistic"] += 1
            c["unrealistic_right"] += got == r.gold
    return c


def crossval(
    lex: CompiledLexicon, rows: list[Row], configs: list[tuple[float, float]]
) -> dict[str, dict[str, Counter[str]]]:
    """Per approach, per held-out author: counts of the rules alone, and of the rules with a
    model trained on the other authors, for each (threshold, L2) config."""
    authors = sorted({r.author for r in rows})
    out: dict[str, dict[str, Counter[str]]] = {"rules alone": {}}
    stages = len(lex.order)
    for a in authors:
        test = [r for r in rows if r.author == a]
        out["rules alone"][a] = score(lex, test, None)
        out.setdefault("stage rules hidden, no model", {})[a] = score(lex, test, None, True)
        fitted: dict[float, tuple[dict[str, float], list[float]]] = {}
        for thr, l2 in configs:
            if l2 not in fitted:
                fitted[l2] = train(examples(lex, [r for r in rows if r.author != a]), stages, l2)
            w, b = fitted[l2]
            name = f"rules + model, threshold {thr}, l2 {l2}"
            out.setdefault(name, {})[a] = score(lex, test, StageModel(w, b, thr))
            hidden = f"stage rules hidden + model, threshold {thr}, l2 {l2}"
            out.setdefault(hidden, {})[a] = score(lex, test, StageModel(w, b, thr), True)
        sys.stderr.write(f"fold {a} done\n")
    lex.stage_model = None
    return out


def _pct(n: int, d: int) -> str:
    return f"{n / d:6.1%}" if d else "   n/a"


def render(res: dict[str, dict[str, Counter[str]]], per_author: bool = True) -> str:
    """Per approach: pooled overall accuracy, unrealistic recall, advance accuracy,
    wrongly-advance rate (of non-advance texts), advances turned unrealistic; then each
    author's overall accuracy."""
    lines = []
    for name, per in res.items():
        t: Counter[str] = Counter()
        for c in per.values():
            t.update(c)
        macro = sum(c["right"] / c["texts"] for c in per.values()) / len(per)
        lines.append(
            f"{name:40} overall {_pct(t['right'], t['texts'])} (macro {macro:6.1%})"
            f"  unrealistic {_pct(t['unrealistic_right'], t['unrealistic'])}"
            f"  advance {_pct(t['advance_right'], t['advance'])}"
            f"  wrongly-advance {_pct(t['wrongly_advance'], t['not_advance'])}"
            f" ({t['wrongly_advance']})  advance->unrealistic {t['advance_to_unrealistic']}"
        )
        if per_author:
            lines.append(
                "    "
                + "  ".join(
                    f"{a} {_pct(c['right'], c['texts']).strip()}"
                    f" u{c['unrealistic_right']}/{c['unrealistic']}"
                    for a, c in sorted(per.items())
                )
            )
    return "\n".join(lines)


def write(lex: CompiledLexicon, rows: list[Row], threshold: float, l2: float) -> str:
    """Train on every training author and write the shipped table; its path and size."""
    stages = sorted(lex.order, key=lex.order.__getitem__)
    w, b = train(examples(lex, rows), len(stages), l2)
    feats = sorted(w)
    table = {
        "threshold": threshold,
        "stages": stages,
        "bias": [round(v, 3) for v in b],
        "features": feats,
        "weights": [round(w[f], 3) for f in feats],
    }
    return write_table(DEFAULT_STAGE_MODEL, table)


def main(argv: list[str] | None = None) -> int:
    """LOAO figures (``--grid``: over thresholds and L2), or ``--write`` the shipped table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the shipped model table")
    parser.add_argument("--grid", action="store_true", help="LOAO over thresholds and L2")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--grid-l2", type=float, nargs="+", default=[1e-3, 3e-3, 1e-2, 3e-2])
    parser.add_argument("--grid-thresholds", type=float, nargs="+", default=[0.5, 0.6, 0.7, 0.8])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    lex = load_playbook().compiled.lexicon
    rows = load(lex)
    assert set(lex.order) >= set(STAGES)
    if args.write:
        sys.stdout.write(write(lex, rows, args.threshold, args.l2) + "\n")
        return 0
    configs = (
        [(thr, l2) for l2 in args.grid_l2 for thr in args.grid_thresholds]
        if args.grid
        else [(args.threshold, args.l2)]
    )
    res = crossval(lex, rows, configs)
    out = {k: {a: dict(c) for a, c in v.items()} for k, v in res.items()}
    sys.stdout.write((json.dumps(out) if args.json else render(res, not args.grid)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
