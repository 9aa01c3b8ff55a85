// The worker outside workerd: dist/edge/edge-worker.js's makeWorker(module) in plain Node, as
// Deno or another fetch-handler runtime would host it (docs/edge.md "Deno and other runtimes"),
// including its cron entry point and HTML mode's pass-through where there is no HTMLRewriter.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makePacks } from '../e2e/helpers.mjs';
import { EDGE_DIST } from './helpers.mjs';

let packs, source, base, worker, env;

before(async () => {
  packs = makePacks();
  source = createServer((req, res) => {
    if (req.url === '/pack.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(readFileSync(packs.demo));
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<div data-xsell-slot="product" data-product="AURORA-Q"></div>');
  });
  await new Promise((r) => source.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${source.address().port}`;
  const { makeWorker } = await import(path.join(EDGE_DIST, 'edge-worker.js'));
  worker = makeWorker(new WebAssembly.Module(readFileSync(path.join(EDGE_DIST, 'xsell_core_bg.wasm'))));
  env = { XSELL_KEYS: readFileSync(packs.pub, 'utf8').trim(), XSELL_PACK_URL: `${base}/pack.json`, XSELL_COOKIE_SECRET: 's', XSELL_AUDIENCE: '127.0.0.1', XSELL_ORIGIN: base };
});

after(() => {
  source?.close();
  packs?.cleanup();
});

const call = (p, init) => worker.fetch(new Request(`http://127.0.0.1${p}`, init), env, { waitUntil() {} });

test('the cron entry point loads the pack; decide then answers', async () => {
  const waits = [];
  await worker.scheduled({ cron: '*/5 * * * *' }, env, { waitUntil: (p) => waits.push(p) });
  await Promise.all(waits);
  const status = await (await call('/xsell/status')).json();
  assert.equal(status.ok, true, JSON.stringify(status));
  assert.equal(status.pack.packId, 'xsell-demo');
  const res = await call('/xsell/decide?placement=product&product=AURORA-Q&dwell=45');
  assert.equal(res.status, 200);
  const d = await res.json();
  assert.equal(d.outcome, 'offer');
  assert.ok(res.headers.getSetCookie().some((c) => c.startsWith('xsell_l=1.')));
});

test('without HTMLRewriter, HTML mode passes the page through untouched', async () => {
  assert.equal(typeof globalThis.HTMLRewriter, 'undefined');
  const res = await call('/page');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '<div data-xsell-slot="product" data-product="AURORA-Q"></div>');
});
