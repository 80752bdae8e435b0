#!/usr/bin/env bash
# Instructions per `decide` (deterministic, unlike CPU seconds on a shared machine):
# cachegrind counts the instructions of deciding the first B generated deals and of the
# first A, and prints the difference per deal (so start-up and warm-up cancel out).
#
#   bash benchmarks/engine_instructions.sh 2000 6000          # pooled texts, ~3 min
#   bash benchmarks/engine_instructions.sh 300 1500 unique    # no text repeats
#   bash benchmarks/engine_instructions.sh 300 1200 salesforce  # a 3,000-deal sandbox's open
#       deals, read through a full sync once and cached (benchmarks/_sandbox_deals.py)
#
# Run from the repository root; needs valgrind.  Compare two trees with the same A, B.
set -euo pipefail
# string hashing is seeded per process: without a fixed seed counts move by ~1.5 % run to run
export PYTHONHASHSEED="${PYTHONHASHSEED:-0}"
case "${3:-}" in salesforce|hubspot)  # fill the cache outside valgrind
  PYTHONPATH=. "${PYTHON:-.venv/bin/python}" -c "from benchmarks._sandbox_deals import sandbox_deals; sandbox_deals('$3', 3000)";;
esac
a=${1:-2000}
b=${2:-6000}
mode=${3:-pooled}
py=${PYTHON:-.venv/bin/python}
script='
import sys
from datetime import UTC, datetime
from benchmarks._gen import deals
from benchmarks._sandbox_deals import sandbox_deals
from nextadvance.core import batch_gc, decide
from nextadvance.mappings import load_playbook
n, total, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
playbook = load_playbook()
if mode in ("salesforce", "hubspot"):
    batch, now = sandbox_deals(mode, 3000)
    assert len(batch) >= total, (len(batch), total)
else:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    batch = list(deals(total, seed=7, now=now, unique_texts=mode == "unique"))
with batch_gc():
    for deal in batch[:n]:
        decide(deal, playbook, now)
'
count() {
  PYTHONPATH=. valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$py" -c "$script" "$1" "$b" "$mode" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
ia=$(count "$a")
ib=$(count "$b")
echo "{\"mode\": \"$mode\", \"deals\": [$a, $b], \"instructions_per_decide\": $(( (ib - ia) / (b - a) ))}"
