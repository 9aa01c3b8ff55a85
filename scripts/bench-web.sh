#!/usr/bin/env bash
# The browser benchmarks (issue 3 targets): builds the browser module and the xsell tool, then
# runs scripts/bench-web.mjs, which prints every number with its target and PASS/FAIL.
# `make bench-web` calls this. Arguments go to bench-web.mjs:
#
#   scripts/bench-web.sh                 # everything (about 5 minutes plus the builds)
#   scripts/bench-web.sh --json          # the JSON report on stdout instead of the table
#   scripts/bench-web.sh --only a,b      # some targets only (a sizes, b start-up, c decide, d vs native)
#   scripts/bench-web.sh --skip-native   # reuse the decide/fixtures criterion results on disk
#   scripts/bench-web.sh --quick         # smoke run of the script itself; numbers not valid
#
# Set BENCH_STRICT=1 to exit 1 when a target fails. benches/README.md ("Browser") has the details.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# Progress to stderr, so that --json leaves stdout to the report.
{
  echo "== building the browser module (dist/browser)"
  scripts/build.sh browser
  echo "== building the xsell tool (pack signing)"
  cargo build -q -p xsell-cli
} >&2
exec node scripts/bench-web.mjs "$@"
