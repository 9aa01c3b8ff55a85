// The edge worker's HTML mode in workerd: an origin page (served by this test on 127.0.0.1)
// proxied with each [data-xsell-slot] filled by the core's renderer, and passed through
// untouched whenever the worker cannot or should not fill it.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HOSTILE, makePacks } from '../e2e/helpers.mjs';
import { LEDGER_COOKIE, cli, openLedger, setCookies, startWorkerd } from './helpers.mjs';

const PAGE = `<!doctype html>
<html><head><title>Aurora Queen</title></head>
<body>
<h1>Aurora Queen Mattress</h1>
<div id="p" data-xsell-slot="product" data-product="AURORA-Q"></div>
<div id="x" data-xsell-slot="nowhere"></div>
<p>Reviews &amp; more</p>
</body></html>
`;
const CSS = 'body { color: #222 }\n';

let packs, origin, originBase, workers = {};

before(async () => {
  packs = makePacks();
  origin = createServer((req, res) => {
    if (req.url.startsWith('/style.css')) {
      res.writeHead(200, { 'Content-Type': 'text/css' });
      return res.end(CSS);
    }
    if (req.url.startsWith('/missing')) {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      return res.end('<p data-xsell-slot="product">not here</p>');
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'X-Origin': 'yes' });
    res.end(PAGE);
  });
  await new Promise((r) => origin.listen(0, '127.0.0.1', r));
  originBase = `http://127.0.0.1:${origin.address().port}`;
  const keys = readFileSync(packs.pub, 'utf8').trim();
  for (const name of ['demo', 'hostile', 'tampered', 'expired']) {
    workers[name] = await startWorkerd({ XSELL_KEYS: keys, XSELL_PACK: readFileSync(packs[name], 'utf8'), XSELL_ORIGIN: originBase });
  }
});

after(async () => {
  await Promise.all(Object.values(workers).map((w) => w.stop()));
  origin?.close();
  packs?.cleanup();
});

const get = (w, p, headers = {}) => fetch(`${workers[w].base}${p}`, { headers, signal: AbortSignal.timeout(10_000) });
const slotHtml = (page, id) => {
  const m = new RegExp(`<div id="${id}"[^>]*>([\\s\\S]*?)</div>\\s*<(?:div id|p>)`).exec(page);
  return m ? m[1] : null;
};

describe('HTML mode', () => {
  test('fills the product slot with the card the native engine decides', async () => {
    const res = await get('demo', '/products/aurora-q.html');
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.equal(res.headers.get('X-Origin'), 'yes', "the origin's headers are kept");
    assert.equal(res.headers.get('Cache-Control'), 'private, no-store', 'a personalized page is not cached');
    // The native decision for what the slot says.
    const signals = path.join(packs.dir, 'html-signals.json');
    writeFileSync(signals, JSON.stringify({ placement: 'product', page: { product: 'AURORA-Q' } }));
    const want = JSON.parse(cli('decide', '--pack', packs.demo, '--keys', packs.pub, '--signals', signals));
    assert.equal(want.outcome, 'offer');
    const open = /<div id="p" data-xsell-slot="product" data-product="AURORA-Q" data-xsell-state="offer" data-xsell-edge="[0-9a-f]{32}">/;
    assert.match(page, open);
    const card = slotHtml(page, 'p');
    assert.ok(card.startsWith(`<aside class="xsell-card" aria-label="Suggested add-on" data-xsell-offer="${want.offer.id}"`), card);
    assert.ok(card.includes(`<p class="xsell-because">${want.offer.because}</p>`), card);
    // A placement the pack lacks: left for the browser script, untouched.
    assert.match(page, /<div id="x" data-xsell-slot="nowhere"><\/div>/);
    // The rest of the page is the origin's.
    assert.ok(page.includes('<p>Reviews &amp; more</p>') && page.startsWith('<!doctype html>'));
    // The shown offer is in the shopper's signed ledger.
    const ledger = openLedger(setCookies(res)[LEDGER_COOKIE].value);
    assert.ok(ledger, 'a valid ledger cookie');
    const file = path.join(packs.dir, 'html-ledger.txt');
    writeFileSync(file, ledger);
    assert.ok(cli('ledger', 'show', '--ledger', file).includes(want.offer.id), 'the offer is recorded as shown');
  });

  test('pack text with markup comes out as text', async () => {
    const page = await (await get('hostile', '/products/aurora-q.html')).text();
    const card = slotHtml(page, 'p');
    assert.ok(card, page);
    assert.ok(!card.includes('<img src=x') && !card.includes('<script'), card);
    // The because sentence cites the mattress by its (hostile) name, escaped.
    assert.ok(card.includes('Aurora &quot;&gt;&lt;img src=x onerror=alert(1)&gt; Queen'), card);
    assert.ok(!page.includes(HOSTILE.mattress), 'the hostile name never appears raw');
  });

  for (const name of ['tampered', 'expired']) {
    test(`a pack that does not load (${name}): the origin page passes through untouched`, async () => {
      const res = await get(name, '/products/aurora-q.html');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('X-Origin'), 'yes');
      assert.equal(await res.text(), PAGE);
      assert.deepEqual(res.headers.getSetCookie(), []);
    });
  }

  test('what is not an HTML page, or not a 200, passes through', async () => {
    const css = await get('demo', '/style.css');
    assert.equal(await css.text(), CSS);
    assert.deepEqual(css.headers.getSetCookie(), []);
    const missing = await get('demo', '/missing');
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), '<p data-xsell-slot="product">not here</p>');
  });

  test('No thanks on an edge card counts at the edge: its cooldown hides it on the next page', async () => {
    const first = await get('demo', '/products/aurora-q.html');
    const offer = /data-xsell-offer="([^"]+)"/.exec(await first.text())[1];
    const ledger = `${LEDGER_COOKIE}=${setCookies(first)[LEDGER_COOKIE].value}`;
    // A new session with that ledger: the offer's session cap (1) no longer applies and its day
    // cap (2) is not reached, so without the dismissal it shows again...
    const again = await (await get('demo', '/products/aurora-q.html', { Cookie: ledger })).text();
    assert.equal(/data-xsell-offer="([^"]+)"/.exec(again)[1], offer);
    // ...and after No thanks (default cooldown 24 h) it does not.
    const rec = await fetch(`${workers.demo.base}/xsell/record`, {
      method: 'POST',
      headers: { Cookie: ledger, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'dismissed', offer, placement: 'product' }),
    });
    assert.equal(rec.status, 200);
    assert.deepEqual(await rec.json(), { ok: true });
    const dismissed = `${LEDGER_COOKIE}=${setCookies(rec)[LEDGER_COOKIE].value}`;
    const after = await (await get('demo', '/products/aurora-q.html', { Cookie: dismissed })).text();
    assert.notEqual(/data-xsell-offer="([^"]+)"/.exec(after)?.[1], offer);
    const bad = await fetch(`${workers.demo.base}/xsell/record`, { method: 'POST', body: '{"kind":"shown","offer":"x"}' });
    assert.equal(bad.status, 400);
  });

  test('Sec-GPC: 1 fills without a cookie and without personal signals', async () => {
    const res = await get('demo', '/products/aurora-q.html', { 'Sec-GPC': '1' });
    const page = await res.text();
    assert.match(page, /data-xsell-state="offer"/);
    assert.deepEqual(res.headers.getSetCookie(), []);
  });
});
