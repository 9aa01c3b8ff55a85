#!/usr/bin/env bash
# Builds the wasm outputs listed in wasm-pack.toml (wasm-pack, then wasm-opt) and the loader
# script. `scripts/build.sh [OUTPUT...]` builds the named outputs only (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

python3 scripts/build_matrix.py "$@" | while IFS='|' read -r name target outdir outname profile features loader opt; do
  echo "== building $name ($target) into $outdir"
  args=(build --target "$target" "--$profile" --out-dir "$outdir" --out-name "$outname" --no-pack --no-typescript)
  [ -n "$features" ] && args+=(-- --features "$features")
  wasm-pack --quiet "${args[@]}"
  rm -f "$outdir/.gitignore"
  # shellcheck disable=SC2086
  node_modules/.bin/wasm-opt $opt "$outdir/${outname}_bg.wasm" -o "$outdir/${outname}_bg.wasm"
  scripts=()
  for l in $loader; do
    [ -f "$l" ] || { echo "build: loader $l (wasm-pack.toml) is missing" >&2; exit 1; }
    node_modules/.bin/esbuild "$l" --minify --format=esm --target=es2020 --log-level=warning \
      --outfile="$outdir/$(basename "$l")"
    scripts+=("$outdir/$(basename "$l")")
  done
  for f in "$outdir/${outname}_bg.wasm" "$outdir/${outname}.js" "${scripts[@]}"; do
    [ -f "$f" ] || continue
    br=""
    command -v brotli >/dev/null 2>&1 && br=", $(brotli -c -q 11 "$f" | wc -c) after brotli"
    printf '   %s: %s bytes%s\n' "$f" "$(wc -c < "$f")" "$br"
  done
done
