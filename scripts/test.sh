#!/usr/bin/env bash
# Runs every check and test: formatting, lints, the wasm32 build check, all test suites,
# and the benchmarks once in test mode. `make test` calls this; so does .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets -- -D warnings

step "wasm32 build check"
cargo check -p xsell --lib --target wasm32-unknown-unknown

step "tests"
cargo test --workspace

step "types of the drop-in script (js/xsell.d.ts)"
node_modules/.bin/tsc -p js/tsconfig.json

step "wasm tests in headless Chromium"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" wasm-pack test --headless --chrome -- --test web

step "end-to-end in headless Chromium"
scripts/build.sh browser
cargo build -q -p xsell-cli
node --test tests/e2e/

step "edge worker in workerd"
scripts/build.sh edge
node --test tests/edge/

step "benchmarks, once each in test mode"
cargo test -p xsell --benches

step "done: all checks passed"
