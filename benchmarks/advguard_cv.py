"""Leave-one-author-out figures of the learned advance guard (and the tool that trains it).

Run from the repository root::

    .venv/bin/python -m benchmarks.advguard_cv              # LOAO: rules vs rules + guard
    .venv/bin/python -m benchmarks.advguard_cv --changes    # ... and every text it changes
    .venv/bin/python -m benchmarks.advguard_cv --write      # train on all of train/, ship it

The guard (:mod:`nextadvance.core._advance_guard`) may turn an ``advance`` the rules gave
into ``seller_action`` or ``vague``.  The rules were tuned on every training author, so their
wrongly-advance count here is flattered; the authors they were never tuned on (``FRESH``)
are the honest test.  Each fold trains the guard *and* the stage-fit model on every
training author but one and runs the full check on that author's texts: "rules" is the
check with the fold's stage-fit model, "rules + guard" the same with the fold's guard at
each threshold.  The threshold is chosen on the tuned authors' folds only and then read
on the never-tuned ones.  Only ``train/`` is read; never a held-out split.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter

from benchmarks import stagefit_cv
from benchmarks._weights import write_table
from benchmarks.stagefit_cv import Row, load
from nextadvance.core._advance_guard import CLASSES, AdvanceGuard, contact_words, guard_features
from nextadvance.core._nextstep import CompiledLexicon
from nextadvance.core._stage_model import StageModel
from nextadvance.mappings import load_playbook
from nextadvance.mappings.playbook import DEFAULT_ADVANCE_GUARD

#: training authors the next-step rules were not tuned on until after they joined train/
FRESH = ("latam", "medical", "payments", "staffing")
#: features seen in fewer training texts are dropped (names, typos)
MIN_COUNT = 3
#: the shipped configuration: the threshold with the most wrongly-advance fixed net of
#: advances lost on the *tuned* authors' folds (the never-tuned ones only read it)
THRESHOLD = 0.98
L2 = 1e-3
#: a gold verdict -> the class it trains (a too-big step is still worded as a commitment)
TARGET = {
    "advance": 0,
    "unrealistic_for_stage": 0,
    "seller_action": 1,
    "vague": 2,
}


def feats_of(r: Row) -> tuple[str, ...]:
    """The guard's features of one row (as :meth:`CompiledLexicon.guarded` reads them)."""
    return guard_features(r.text.strip(), contact_words(r.contacts))


def train(
    rows: list[Row],
    l2: float = L2,
    epochs: int = 10,
    rate: float = 0.3,
    min_count: int = MIN_COUNT,
    seed: int = 7,
) -> tuple[dict[str, list[float]], list[float]]:
    """Softmax regression by AdaGrad SGD (pure Python) on every labelled text but empties."""
    data = [(feats_of(r), TARGET[r.gold]) for r in rows if r.gold in TARGET]
    counts = Counter(f for fs, _ in data for f in fs)
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
    xs = [([vocab[f] for f in fs if f in vocab], y) for fs, y in data]
    k = len(CLASSES)
    w = [[0.0] * k for _ in vocab]
    g2 = [[1e-8] * k for _ in vocab]
    b = [0.0] * k
    gb = [1e-8] * k
    rng = random.Random(seed)
    order = list(range(len(xs)))
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            x, y = xs[i]
            z = list(b)
            for j in x:
                wj = w[j]
                for c in range(k):
                    z[c] += wj[c]
            top = max(z)
            ex = [math.exp(v - top) for v in z]
            tot = sum(ex)
            err = [e / tot - (c == y) for c, e in enumerate(ex)]
            for c in range(k):
                gb[c] += err[c] * err[c]
                b[c] -= rate * err[c] / math.sqrt(gb[c])
            for j in x:
                wj, gj = w[j], g2[j]
                for c in range(k):
                    g = err[c] + l2 * wj[c]
                    gj[c] += g * g
                    wj[c] -= rate * g / math.sqrt(gj[c])
    names = sorted(vocab, key=vocab.__getitem__)
    return {names[j]: v for j, v in enumerate(w) if max(map(abs, v)) >= 1e-3}, b


def fold_stage_model(lex: CompiledLexicon, rows: list[Row]) -> StageModel:
    """The stage-fit model as shipped, but trained on ``rows`` only."""
    w, b = stagefit_cv.train(stagefit_cv.examples(lex, rows), len(lex.order), stagefit_cv.L2)
    return StageModel(w, b, stagefit_cv.THRESHOLD)


def base_verdicts(lex: CompiledLexicon, rows: list[Row], model: StageModel | None) -> list[str]:
    """The rules' verdict (with ``model`` as the stage-fit model) of each row."""
    lex.stage_model = model
    lex._sizes.clear()
    return ["empty" if not r.clauses else lex.verdict(r.clauses, r.stage).verdict for r in rows]


Change = tuple[str, str, str, str, float]  # author, text, gold, new verdict, P(not advance)


def crossval(
    lex: CompiledLexicon, rows: list[Row], thresholds: list[float], l2: float
) -> tuple[dict[str, dict[str, Counter[str]]], dict[float, list[Change]]]:
    """Per approach, per held-out author: counts; and per threshold every change made."""
    authors = sorted({r.author for r in rows})
    out: dict[str, dict[str, Counter[str]]] = {"rules": {}}
    changes: dict[float, list[Change]] = {t: [] for t in thresholds}
    for a in authors:
        test = [r for r in rows if r.author == a]
        rest = [r for r in rows if r.author != a]
        base = base_verdicts(lex, test, fold_stage_model(lex, rest))
        out["rules"][a] = count(test, base)
        w, b = train(rest, l2)
        guard = AdvanceGuard(w, b)
        feats = [feats_of(r) for r in test]
        for t in thresholds:
            guard.threshold = t
            got = list(base)
            for i, (r, v) in enumerate(zip(test, base, strict=True)):
                if v == "advance" and (down := guard.downgrade(feats[i])) is not None:
                    got[i] = down[0]
                    changes[t].append((a, r.text, r.gold, down[0], round(down[1], 3)))
            out.setdefault(f"rules + guard {t}", {})[a] = count(test, got, base)
        sys.stderr.write(f"fold {a} done\n")
    lex.stage_model = None
    return out, changes


def count(rows: list[Row], got: list[str], base: list[str] | None = None) -> Counter[str]:
    """Accuracy, wrongly-advance and (against ``base``) advances lost / fixed."""
    c: Counter[str] = Counter()
    for i, (r, v) in enumerate(zip(rows, got, strict=True)):
        c["texts"] += 1
        c["right"] += v == r.gold
        if r.gold == "advance":
            c["advance"] += 1
            c["advance_right"] += v == "advance"
            c["advance_lost"] += base is not None and base[i] == "advance" and v != "advance"
        else:
            c["not_advance"] += 1
            c["wrongly_advance"] += v == "advance"
            c["fixed"] += base is not None and base[i] == "advance" and v != "advance"
    return c


def _pct(n: int, d: int) -> str:
    return f"{n / d:6.1%}" if d else "   n/a"


def _line(label: str, t: Counter[str]) -> str:
    return (
        f"  {label:14} accuracy {_pct(t['right'], t['texts'])} ({t['texts']})"
        f"  wrongly-advance {_pct(t['wrongly_advance'], t['not_advance'])}"
        f" ({t['wrongly_advance']}/{t['not_advance']})"
        f"  advance {_pct(t['advance_right'], t['advance'])}"
        f"  advances lost {t['advance_lost']}  wrongly-advance fixed {t['fixed']}"
    )


def render(res: dict[str, dict[str, Counter[str]]]) -> str:
    """Per approach: the tuned authors pooled, the never-tuned pooled and each of them."""
    lines = []
    for name, per in res.items():
        lines.append(name)
        for label, group in (
            ("tuned (pooled)", [a for a in per if a not in FRESH]),
            ("fresh (pooled)", [a for a in per if a in FRESH]),
            ("all (pooled)", list(per)),
        ):
            t: Counter[str] = Counter()
            for a in group:
                t.update(per[a])
            lines.append(_line(label, t))
        lines.extend(_line(a, per[a]) for a in FRESH if a in per)
    return "\n".join(lines)


def write(rows: list[Row], threshold: float, l2: float) -> str:
    """Train on every training author and write the shipped table; its path and size."""
    w, b = train(rows, l2)
    feats = sorted(w)
    table = {
        "threshold": threshold,
        "classes": list(CLASSES),
        "bias": [round(v, 3) for v in b],
        "features": feats,
        "weights": [[round(v, 3) for v in w[f]] for f in feats],
    }
    return write_table(DEFAULT_ADVANCE_GUARD, table)


def main(argv: list[str] | None = None) -> int:
    """LOAO figures over thresholds (``--changes``: every changed text), or ``--write``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the shipped guard table")
    parser.add_argument("--changes", action="store_true", help="list every text changed")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.8, 0.9, 0.95, 0.98, 0.99])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    lex = load_playbook().compiled.lexicon
    rows = load(lex)
    if args.write:
        sys.stdout.write(write(rows, args.threshold, args.l2) + "\n")
        return 0
    res, changes = crossval(lex, rows, args.thresholds, args.l2)
    if args.json:
        out = {k: {a: dict(c) for a, c in v.items()} for k, v in res.items()}
        sys.stdout.write(json.dumps(out) + "\n")
        return 0
    sys.stdout.write(f"l2 {args.l2}\n" + render(res) + "\n")
    if args.changes:
        for t, cs in changes.items():
            sys.stdout.write(f"\nchanges at threshold {t} ({len(cs)}):\n")
            for a, text, gold, new, p in cs:
                mark = "LOST " if gold == "advance" else ("fixed" if gold == new else "fixed~")
                sys.stdout.write(f"  {mark} {a:12} p={p:.3f} {gold:>21} -> {new:13} | {text}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
