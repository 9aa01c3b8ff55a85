// The edge and the drop-in script together: headless Chromium opens the demo shop through the
// worker in workerd (HTML mode, the shop's own server as origin). The slot the edge filled is
// left to the edge by the script, whose buttons still work and report back to the edge.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, makePacks, startServer, WAIT } from '../e2e/helpers.mjs';
import { startWorkerd } from './helpers.mjs';

let packs, site, worker, browser;

before(async () => {
  packs = makePacks();
  site = await startServer(packs);
  worker = await startWorkerd({
    XSELL_KEYS: readFileSync(packs.pub, 'utf8').trim(),
    XSELL_PACK: readFileSync(packs.demo, 'utf8'),
    XSELL_ORIGIN: site.base,
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await worker?.stop();
  await site?.stop();
  packs?.cleanup();
});

test('an edge-filled slot is not decided again; its No thanks fires xsell:dismiss and reaches the edge', async () => {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      window.__ev = [];
      for (const t of ['offer', 'accept', 'dismiss', 'error']) {
        document.addEventListener(`xsell:${t}`, (e) => window.__ev.push({ type: t, detail: e.detail }));
      }
    });
    const served = await page.goto(`${worker.base}/products/aurora-q.html`, { timeout: WAIT });
    assert.equal(served.status(), 200);
    const edgeId = await page.getAttribute('[data-xsell-slot="product"]', 'data-xsell-edge', { timeout: WAIT });
    assert.match(edgeId, /^[0-9a-f]{32}$/, 'the edge filled the product slot');
    const ready = await page.evaluate(() => Promise.race([window.xsell.ready, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]));
    assert.equal(ready?.ok, true, JSON.stringify(ready));

    const slot = page.locator('[data-xsell-slot="product"]');
    assert.equal(await slot.locator('.xsell-card').count(), 1, 'one card: the script did not render its own');
    const offerId = await slot.locator('.xsell-card').getAttribute('data-xsell-offer');
    const shown = await page.evaluate(() => window.__ev.filter((e) => e.type === 'offer'));
    assert.deepEqual(shown.map((e) => [e.detail.edge, e.detail.offerId, e.detail.decisionId]), [[true, offerId, edgeId]]);

    const recorded = page.waitForResponse((r) => r.url().endsWith('/xsell/record'), { timeout: WAIT });
    await slot.locator('.xsell-no').click();
    const res = await recorded;
    assert.equal(res.status(), 200, 'the edge recorded it'); // (a keepalive request: its body is not read)
    assert.equal(await slot.getAttribute('data-xsell-state'), 'dismissed');
    assert.equal(await slot.locator('.xsell-card').count(), 0);
    const dismissed = await page.evaluate(() => window.__ev.filter((e) => e.type === 'dismiss'));
    assert.deepEqual(dismissed.map((e) => [e.detail.edge, e.detail.offerId]), [[true, offerId]]);
    assert.deepEqual(await page.evaluate(() => window.__ev.filter((e) => e.type === 'error')), []);
  } finally {
    await ctx.close();
  }
});
