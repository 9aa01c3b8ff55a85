#!/usr/bin/env bash
# The demo (`make demo`): build the browser module and the xsell tool, sign the demo pack with a
# demo key, then serve the demo storefront (www/) on 127.0.0.1 with the signed pack and the
# drop-in script, until Ctrl-C.
#
#   PORT=8081 make demo              another port (default 8080; 0 picks a free one)
#   XSELL_DEMO_NO_SERVE=1 make demo  everything but the server (CI smoke)
#
# The demo key, the signed pack and the events the page sends live under target/demo/ (never
# committed). Running it again reuses the key and re-signs the pack.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

port=${PORT:-8080}
out=target/demo
pack=fixtures/packs/demo.json
signed=$out/demo.signed.json
xsell=target/debug/xsell
mkdir -p "$out"

echo "== building the browser module (dist/browser)"
scripts/build.sh browser
echo "== building the xsell tool"
cargo build -q -p xsell-cli

if [ ! -f "$out/demo.key" ] || [ ! -f "$out/demo.pub" ]; then
  echo "== generating a demo signing key (kept in $out, never committed)"
  rm -f "$out/demo.key" "$out/demo.pub"
  "$xsell" keygen --out "$out/demo" >/dev/null
fi

echo "== checking, signing and verifying the demo pack"
"$xsell" pack check "$pack"
"$xsell" pack sign "$pack" --key "$out/demo.key" --out "$signed"
"$xsell" pack verify "$signed" --keys "$out/demo.pub" --audience 127.0.0.1

# The storefront's catalog (www/js/catalog.js) copies the pack's products: check they agree,
# and that every image and product page the pack names exists under www/.
node --input-type=module - "$pack" <<'EOF'
import { readFileSync, existsSync } from 'node:fs';
const pack = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { CATALOG } = await import(new URL('www/js/catalog.js', `file://${process.cwd()}/`));
const problems = [];
for (const p of pack.catalog) {
  const s = CATALOG[p.sku];
  if (!s) { problems.push(`${p.sku}: not in www/js/catalog.js`); continue; }
  for (const [field, want, have] of [['name', p.name, s.name], ['category', p.category, s.category],
    ['price', p.price.amount, s.price], ['image', p.image, s.image], ['url', p.url, s.url], ['stock', p.stock, s.stock]]) {
    if (want !== have) problems.push(`${p.sku}: ${field} is ${JSON.stringify(have)} in the shop, ${JSON.stringify(want)} in the pack`);
  }
  for (const f of [p.image, p.url]) if (f && !existsSync(`www${f}`)) problems.push(`${p.sku}: www${f} is missing`);
}
if (problems.length) {
  console.error(`the storefront and ${process.argv[2]} disagree:\n  ${problems.join('\n  ')}\n` +
    'fix www/js/catalog.js, then regenerate the pages with: node www/.build/pages.mjs');
  process.exit(1);
}
console.log(`storefront catalog matches the pack (${pack.catalog.length} products)`);
EOF

# A quick sanity line: the same engine, from the command line, for two shoppers.
echo "== two decisions from the command line (the page makes the same ones in the browser)"
ledger=$(mktemp)
trap 'rm -f "$ledger"' EXIT
rm -f "$ledger"
explain() { # explain LABEL SIGNALS
  printf '   %s\n' "$1"
  "$xsell" decide --pack "$signed" --keys "$out/demo.pub" --audience 127.0.0.1 --now 2026-11-23T09:30:00Z \
    --signals "fixtures/shoppers/$2" --ledger "$ledger" --record-shown --format text 2>/dev/null |
    sed -n 's/^  offer  *\(.*\)  \[.*$/     offer:   \1/p; s/^  because  *\(.*\)$/     because: \1/p; s/^  no offer/     no offer/p'
}
explain "Maya opens the Aurora Queen page" 01-maya-views-aurora.json
explain "Maya, who told us she sleeps hot, opens her cart" 03-maya-cart.json
rm -f "$ledger"
explain "Leo, who has been looking at lenses, opens the Luma Z6 page" 06-leo-views-camera.json

if [ "${XSELL_DEMO_NO_SERVE:-}" = 1 ]; then
  echo "== XSELL_DEMO_NO_SERVE=1: not starting the server"
  echo "   serve it with: node scripts/serve.mjs --port $port --root www --xsell dist/browser --pack $signed --keys $out/demo.pub --events $out/events.jsonl"
  exit 0
fi

[ -f dist/browser/xsell.js ] || echo "warning: dist/browser/xsell.js is missing (js/xsell.js not built): the shop will show no offers" >&2

echo "== starting the demo storefront on 127.0.0.1 (Ctrl-C to stop)"
node scripts/serve.mjs --port "$port" --root www --xsell dist/browser \
  --pack "$signed" --keys "$out/demo.pub" --events "$out/events.jsonl" |
  while IFS= read -r line; do
    case $line in
      "listening "*)
        base=${line#listening }
        cat <<EOF

   Open the demo storefront:
     home             $base/
     sleep product    $base/products/aurora-q.html
     camera product   $base/products/luma-z6.html
     cart             $base/cart.html
     why this offer?  $base/products/aurora-q.html?xsell-debug

   Tip: answer "I sleep hot" on the Aurora Queen, add it to the cart, then open the cart.
   Events the script sends are appended to $out/events.jsonl. Ctrl-C stops the server.
EOF
        ;;
      *) printf '%s\n' "$line" ;;
    esac
  done
