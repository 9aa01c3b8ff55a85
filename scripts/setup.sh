#!/usr/bin/env bash
# Installs what building and testing xsell needs, idempotently; quick when all is present.
# Sourced by scripts/demo.sh and scripts/test.sh, or run alone with `make setup`.
set -euo pipefail

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: cargo not found; install Rust with rustup first (https://rustup.rs)" >&2
    exit 1
  fi
fi

have_component() { rustup component list --installed 2>/dev/null | grep -q "^$1"; }
if command -v rustup >/dev/null 2>&1; then
  for c in rustfmt clippy; do
    have_component "$c" || rustup component add "$c"
  done
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
fi
