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

# wasm-pack builds the browser and edge modules; it compiles its matching wasm-bindgen on first use.
if ! command -v wasm-pack >/dev/null 2>&1; then
  echo "setup: installing wasm-pack (cargo install --locked, about 2 minutes)"
  cargo install wasm-pack --locked --quiet
fi

# Node packages (esbuild, binaryen's wasm-opt, playwright-core, typescript) from the lockfile.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: node and npm are needed (apt-get install nodejs npm)" >&2
  exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing node packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Debian's Chromium and its driver for the headless-browser tests; brotli for size reports.
if [ "${XSELL_NO_BROWSER:-}" != 1 ] && { ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 || ! command -v brotli >/dev/null 2>&1; }; then
  echo "setup: installing chromium, chromium-driver and brotli (apt-get)"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver brotli >/dev/null
fi
