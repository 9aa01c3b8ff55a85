#!/usr/bin/env bash
# The edge benchmarks (issue 4 targets): builds the edge bundle and the xsell tool, then runs
# scripts/bench-edge.mjs (cold start, CPU added per HTML request, JSON throughput and p99 beside
# a static worker, bundle size). `make bench-edge` calls this. Arguments go to bench-edge.mjs:
#
#   scripts/bench-edge.sh              # everything (about a minute plus the builds)
#   scripts/bench-edge.sh --json       # the JSON report on stdout instead of the table
#   scripts/bench-edge.sh --quick      # smoke run of the script itself; numbers not valid
#
# Set BENCH_STRICT=1 to exit 1 when a target fails. benches/README.md ("Edge") has the details.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

{
  echo "== building the edge bundle (dist/edge)"
  scripts/build.sh edge
  echo "== building the xsell tool (pack signing)"
  cargo build -q -p xsell-cli
} >&2
exec node scripts/bench-edge.mjs "$@"
