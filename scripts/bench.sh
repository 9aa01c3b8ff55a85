#!/usr/bin/env bash
# Runs the performance benchmarks (benches/decide.rs, benches/load.rs) and prints the median of
# every benchmark id with its target. `make bench` calls this.
#
#   scripts/bench.sh                   # everything (about 2 minutes of measuring, plus the build)
#   scripts/bench.sh decide/demo       # extra arguments go to criterion: a filter,
#   scripts/bench.sh --test            #   test mode (each benchmark once, no timing), ...
#   scripts/bench.sh --summary         # only print the table for the results already on disk
#
# Targets: decide/demo/* median <= 2 us; load/1mb median <= 5 ms (load/floor_* show what of it is
# not ours: SHA-512 and JSON syntax); decide/generated/* flat
# (largest pack's median <= 1.5x the smallest's). Set BENCH_STRICT=1 to exit 1 when one fails.
# decide/fixtures/* (every fixture case, native) has no target here: it is the native side of
# the wasm-vs-native comparison in the browser benchmarks, `make bench-web`
# (scripts/bench-web.sh), which also measures sizes, start-up and decide from JS.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

since=0
if [ "${1:-}" = "--summary" ]; then
  shift
else
  # Only results written by this run count (older ids may linger in target/criterion).
  since=$(date +%s)
  cargo bench -p xsell --bench decide --bench load -- "$@"
fi

CRITERION_DIR="${CARGO_TARGET_DIR:-target}/criterion" SINCE="$since" python3 - <<'PY'
import json, os, sys

root = os.environ["CRITERION_DIR"]
since = float(os.environ["SINCE"])
rows = {}
for dirpath, _, files in os.walk(root):
    if os.path.basename(dirpath) != "new" or "estimates.json" not in files:
        continue
    est = os.path.join(dirpath, "estimates.json")
    if os.path.getmtime(est) < since:
        continue
    try:
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            bid = json.load(f)["full_id"]
        with open(est) as f:
            rows[bid] = json.load(f)["median"]["point_estimate"]
    except (OSError, KeyError, ValueError):
        continue

if not rows:
    print("\nNo fresh criterion results (test mode or a filter that matched nothing).")
    sys.exit(0)

def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.2f} {unit}"
    return f"{ns:.0f} ns"

# The fixture corpus, one id per case: one summary row (scripts/bench-web.mjs reads them all).
fixtures = {b: ns for b, ns in rows.items() if b.startswith("decide/fixtures/")}
if fixtures:
    for b in fixtures:
        del rows[b]
    rows[f"decide/fixtures/* ({len(fixtures)} cases, mean)"] = sum(fixtures.values()) / len(fixtures)

def key(bid):
    parts = bid.split("/")
    return [(0, int(p)) if p.isdigit() else (1, p) for p in parts]

generated = {int(b.rsplit("/", 1)[1]): ns for b, ns in rows.items()
             if b.startswith("decide/generated/") and b.rsplit("/", 1)[1].isdigit()}
smallest = generated[min(generated)] if generated else None

def verdict(bid, ns):
    if bid.startswith("decide/demo/"):
        return "<= 2 µs", ns <= 2_000
    if bid == "load/1mb":
        return "<= 5 ms", ns <= 5_000_000
    if bid.startswith("decide/fixtures/"):
        return "(vs wasm: make bench-web)", None
    if bid in (f"decide/generated/{n}" for n in generated) and len(generated) > 1:
        ratio = ns / smallest
        return f"<= 1.5x smallest ({ratio:.2f}x)", ratio <= 1.5
    return "", None

width = max(len(b) for b in rows)
print(f"\n{'benchmark':<{width}}  {'median':>10}  {'target':<26}  result")
print(f"{'-' * width}  {'-' * 10}  {'-' * 26}  ------")
failed = 0
for bid in sorted(rows, key=key):
    ns = rows[bid]
    target, ok = verdict(bid, ns)
    result = "" if ok is None else ("PASS" if ok else "FAIL")
    failed += ok is False
    print(f"{bid:<{width}}  {fmt(ns):>10}  {target:<26}  {result}")
print(f"\n{failed} target(s) missed." if failed else "\nAll targets met.")
if failed and os.environ.get("BENCH_STRICT") == "1":
    sys.exit(1)
PY
