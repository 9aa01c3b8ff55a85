#!/usr/bin/env bash
# The demo: generate a demo key, sign the demo pack, verify it, and walk two shoppers through
# the stores, printing each explained decision. Keys and ledgers live under target/demo/
# (never committed). The clock is fixed so the story is the same on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

out=target/demo
mkdir -p "$out"
echo "== building the xsell tool"
cargo build -q -p xsell-cli
xsell=target/debug/xsell
now="2026-11-23T09:30:00Z"
pack=fixtures/packs/demo.json
shoppers=fixtures/shoppers

if [ ! -f "$out/demo.key" ]; then
  echo "== generating a demo signing key (kept in $out, never committed)"
  "$xsell" keygen --out "$out/demo"
fi
echo "== linting and signing the demo pack"
"$xsell" pack check "$pack"
"$xsell" pack sign "$pack" --key "$out/demo.key" --out "$out/demo.signed.json"
"$xsell" pack verify "$out/demo.signed.json" --keys "$out/demo.pub" --audience sleep.example --now "$now"

decide() { # decide LEDGER SIGNALS [extra args]
  local ledger=$1 signals=$2; shift 2
  "$xsell" decide --pack "$out/demo.signed.json" --keys "$out/demo.pub" --audience sleep.example \
    --now "$now" --signals "$shoppers/$signals" --ledger "$ledger" --record-shown --format text --trace "$@" 2>/dev/null
}
say() { printf '\n-- %s\n' "$*"; }

maya="$out/maya.ledger"; leo="$out/leo.ledger"; gpc="$out/gpc.ledger"
rm -f "$maya" "$leo" "$gpc"

echo
echo "== Maya shops for a mattress (sleep store)"
say "Maya opens the Aurora Queen page"
decide "$maya" 01-maya-views-aurora.json
say "She stays 48 seconds and tells us she sleeps hot and keeps her bed frame"
decide "$maya" 02-maya-lingers-sleeps-hot.json
say "She adds the mattress to her cart (setup was offered first, so protection may follow)"
decide "$maya" 03-maya-cart.json
say "She says \"no thanks\" to the protector and reloads the cart"
"$xsell" ledger record --ledger "$maya" --now "$now" \
  --event '{"kind":"dismissed","offer":"coolguard-protector","placement":"cart","session":"maya-1"}' >/dev/null
decide "$maya" 03-maya-cart.json
say "At checkout, a friction remover"
decide "$maya" 04-maya-checkout.json
say "On the thank-you page, ten minutes after her first order: onboarding"
decide "$maya" 05-maya-thank-you.json

echo
echo "== The same product page with Global Privacy Control on: nothing personal is used or cited"
decide "$gpc" 02-maya-lingers-sleeps-hot.json --consent storage,personalization,measurement,gpc

echo
echo "== Leo shops for a camera (camera store)"
say "Leo, on a desktop, has looked at lenses and opens the Luma Z6 page"
decide "$leo" 06-leo-views-camera.json
say "Another day on his phone: no big bundle card on a small screen"
decide "$leo" 07-leo-on-phone.json
say "Three weeks after buying, 640 shots in: the weekly email asks the same engine"
decide "$leo" 08-leo-email-after-500-shots.json

echo
echo "== done. The signed pack is $out/demo.signed.json; try:"
echo "   $xsell decide --pack $out/demo.signed.json --keys $out/demo.pub --signals $shoppers/03-maya-cart.json --trace"
