// Whatever goes wrong, the page keeps working: bad packs, a missing engine, a CSP without
// 'wasm-unsafe-eval', hostile text in a pack. See docs/script-api.md#failures and #the-card.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './helpers.mjs';

const T = { timeout: 40_000 };
const CSP_NO_WASM = "default-src 'self'; script-src 'self'; style-src 'self'";
const CSP_WASM = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const CSP_TRUSTED_TYPES = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "require-trusted-types-for 'script'; trusted-types 'none'";
let packs, server, cspServer, cspOkServer, ttServer, browser;

before(async () => {
  packs = h.makePacks();
  [server, cspServer, cspOkServer, ttServer, browser] = await Promise.all([
    h.startServer(packs),
    h.startServer(packs, { csp: CSP_NO_WASM }),
    h.startServer(packs, { csp: CSP_WASM }),
    h.startServer(packs, { csp: CSP_TRUSTED_TYPES }),
    h.launch(),
  ]);
});
after(async () => {
  await browser?.close();
  await Promise.all([server, cspServer, cspOkServer, ttServer].map((s) => s?.stop()));
  packs?.cleanup();
});

/** The whole script failed with `code`: empty slot, the events on slot and document, one warning. */
async function assertFailed(s, page, code) {
  const r = await h.ready(page);
  assert.equal(r.ok, false);
  assert.equal(r.code, code, r.message);
  const sl = await h.slot(page);
  assert.deepEqual([sl.children, sl.card, sl.state], [0, false, 'error']);
  const errors = await h.events(page, 'error');
  assert.deepEqual(errors.map((e) => [e.target, e.detail.code]), [['product', code], ['document', code]]);
  assert.equal(errors[0].detail.placement, 'product');
  assert.deepEqual(await h.events(page, 'offer'), []);
  assert.deepEqual(s.warnings.filter((w) => w.startsWith(`xsell: ${code}:`)).length, 1, s.warnings.join('\n'));
  assert.deepEqual(s.errors, [], 'uncaught errors in the page');
  assert.deepEqual(s.dialogs, []);
  // The rest of the page still works: the shop's add-to-cart button.
  await page.click('.buy [data-add-to-cart="AURORA-Q"]');
  await page.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '1', null, { timeout: h.WAIT });
}

for (const [name, code, what] of [
  ['tampered', 'bad_signature', 'a tampered pack (one payload byte flipped)'],
  ['missing', 'fetch_failed', 'a pack that answers 404'],
  ['expired', 'expired', 'an expired pack'],
  ['foreign', 'unknown_key', 'a pack signed by a key the page does not trust'],
  ['elsewhere', 'wrong_audience', 'a pack for another site'],
]) {
  test(`9. ${what}: empty slot, xsell:error ${code}, no uncaught error`, T, () =>
    h.withShopper(browser, server.base, { config: { pack: `/xsell/${name}.json` } }, async (s) => {
      const page = await s.open('/products/aurora-q.html');
      await assertFailed(s, page, code);
    }));
}

test('9b. an older version of a pack already seen is refused as a rollback', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL }, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    assert.equal((await h.ready(page)).highWater, 3);
    const tab = await s.context.newPage();
    await tab.addInitScript(() => (window.xsell = window.xsell || []).push(['config', { pack: '/xsell/older.json' }]));
    await tab.goto(`${server.base}/products/aurora-q.html`, { waitUntil: 'domcontentloaded' });
    await assertFailed(s, tab, 'rollback');
  }));

test('9c. the engine missing (wasm 404): empty slot, xsell:error wasm_unavailable', T, () =>
  h.withShopper(browser, server.base, {}, async (s) => {
    await s.context.route('**/xsell/xsell_core_bg.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
    const page = await s.open('/products/aurora-q.html');
    await assertFailed(s, page, 'wasm_unavailable');
  }));

test('10. a CSP without \'wasm-unsafe-eval\': empty slot, xsell:error wasm_unavailable, no uncaught error', T, () =>
  h.withShopper(browser, cspServer.base, {}, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    await assertFailed(s, page, 'wasm_unavailable');
  }));

test('10b. control: the same CSP with \'wasm-unsafe-eval\' shows the styled card', T, () =>
  h.withShopper(browser, cspOkServer.base, {}, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    const r = await h.slot(page);
    assert.equal(r.title, 'White-glove setup');
    // The loader's constructed stylesheet applies (the demo shop restyles the card's layout, but
    // not its containment, which only the loader sets).
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.xsell-card')).contain), 'content');
    assert.deepEqual(s.errors, []);
  }));

test('10c. runs under Trusted Types (require-trusted-types-for \'script\'; trusted-types \'none\')', T, () =>
  h.withShopper(browser, ttServer.base, {}, async (s) => {
    await s.context.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`));
    });
    const page = await s.open('/products/aurora-q.html?xsell-debug');
    assert.equal((await h.slot(page)).title, 'White-glove setup');
    await page.click('[data-xsell-slot] .xsell-add');
    assert.equal((await h.slot(page)).done, 'Added: White-glove setup');
    const v = await page.evaluate(() => window.__violations.filter((x) => /trusted-types|script/.test(x)));
    assert.deepEqual(v, []);
    assert.deepEqual(s.errors, []);
  }));

// ---- 11. hostile strings ------------------------------------------------------------------------

test('11. hostile strings in a signed pack render as text', T, () =>
  h.withShopper(browser, server.base, { config: { pack: '/xsell/hostile.json' } }, async (s) => {
    const page = await s.open('/products/aurora-q.html?xsell-debug');
    const r = await h.slot(page);
    assert.equal(r.state, 'offer');
    assert.equal(r.title, h.HOSTILE.title);
    assert.equal(r.benefit, h.HOSTILE.benefit);
    assert.equal(r.because,
      `Because you chose the ${h.HOSTILE.mattress}, we recommend ${h.HOSTILE.setupName}: <a href="javascript:alert(8)">click</a>.`);
    assert.ok(r.text.includes('<img src=x onerror=alert(1)>'), r.text);
    // Let the card's image load or fail, so an injected onerror would have had its chance.
    await page.evaluate(() => Promise.race([
      Promise.all([...document.images].map((i) => (i.complete ? 0 : new Promise((f) => { i.onload = i.onerror = f; })))),
      new Promise((f) => setTimeout(f, 2000)),
    ]));
    const dom = await page.evaluate(() => {
      const slot = document.querySelector('[data-xsell-slot]');
      const all = [...slot.querySelectorAll('*')];
      return {
        tags: [...new Set(all.map((e) => e.tagName.toLowerCase()))].sort(),
        imgs: [...slot.querySelectorAll('img')].map((i) => ({ cls: i.className, attrs: i.getAttributeNames().sort() })),
        onAttrs: all.flatMap((e) => e.getAttributeNames().filter((a) => a.startsWith('on'))),
        links: [...slot.querySelectorAll('a')].map((a) => a.protocol),
        buttons: [...slot.querySelectorAll('button')].map((b) => b.textContent),
        scripts: [...document.scripts].map((sc) => sc.src.replace(location.origin, '') || 'inline:' + sc.textContent.slice(0, 40)),
        frames: document.querySelectorAll('iframe, svg script').length,
        debug: (() => { const p = document.querySelector('pre.xsell-debug'); return { children: p.childElementCount, text: p.textContent }; })(),
      };
    });
    // Only the card's own structure: no element made from the pack's strings.
    assert.deepEqual(dom.tags, ['a', 'aside', 'button', 'div', 'img', 'p', 'span']);
    assert.deepEqual(dom.imgs, [{ cls: 'xsell-img', attrs: ['alt', 'class', 'height', 'loading', 'src', 'width'] }]);
    assert.deepEqual(dom.onAttrs, []);
    assert.ok(dom.links.every((p) => p === 'http:'), `links: ${dom.links}`);
    assert.deepEqual(dom.buttons, [h.HOSTILE.cta, 'No thanks']);
    assert.deepEqual(dom.scripts, ['/js/shop.js', '/xsell/xsell.js']);
    assert.equal(dom.frames, 0);
    assert.equal(dom.debug.children, 0);
    assert.ok(dom.debug.text.includes(h.HOSTILE.mattress), 'the debug view shows the strings as text');
    assert.deepEqual(s.dialogs, []);
    assert.deepEqual(s.errors, []);
  }));

test('11b. a signed pack with a javascript: URL is refused by the engine: empty slot, no dialog', T, () =>
  h.withShopper(browser, server.base, { config: { pack: '/xsell/jsurl.json' } }, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    await assertFailed(s, page, 'invalid_pack');
  }));

// The loader's own URL check (defence in depth): an engine that returned unsafe URLs.
const STUB_ENGINE = `
const URLS = {
  'AURORA-Q': ['/products/setup-wg.html', '/img/setup-wg.svg'],
  U1: ['javascript:alert(1)', 'javascript:alert(2)'],
  U2: [' JavaScript:alert(3)', 'JAVASCRIPT:alert(4)'],
  U3: ['//evil.example/x', 'http://evil.example/x.svg'],
  U4: ['data:text/html,<script>alert(5)</script>', 'data:image/svg+xml,<svg onload=alert(6)>'],
  U5: ['/ok\\tjavascript:alert(7)', 'vbscript:msgbox(8)'],
  U6: ['/\\\\evil.example/x', 'https://ok.example/a b'],
};
const money = { amount: 100, currency: 'USD', display: '$1.00' };
export default async function init() {}
export function newId() { return '0123456789abcdef0123456789abcdef'; }
export class Engine {
  setConsent(c) { return c; }
  load() { return { ok: true, packId: 'stub', version: 1, keyId: 'xk1-0000000000000000', highWater: 1, expiresAt: 1893456000 }; }
  dwellThresholds() { return []; }
  decide(g) {
    const [url, image] = URLS[g.page.product] || [];
    return { ok: true, id: 'd'.repeat(32), outcome: 'offer', placement: g.placement, stage: 'researching',
      pack: { id: 'stub', version: 1 }, personalized: false, score: 1, matched: [], trace: [],
      offer: { id: 'stub-' + g.page.product, kind: 'addon', title: 'Title ' + g.page.product, because: 'Because.', cta: 'Add',
        url, image, price: money, items: [{ sku: 'X', name: 'X', price: money }], need: { stage: 'researching', motivation: 'save_time' } } };
  }
  record() { return { ok: true }; }
  get persistent() { return false; }
  storageProblem() { return undefined; }
  forget() {}
  free() {}
}`;

test('11c. the loader drops javascript:, data:, http: and protocol-relative URLs even from the engine', T, () =>
  h.withShopper(browser, server.base, {}, async (s) => {
    await s.context.route('**/xsell/xsell_core.js', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: STUB_ENGINE }));
    const page = await s.open('/products/aurora-q.html');
    await page.evaluate(() => {
      for (const p of ['U1', 'U2', 'U3', 'U4', 'U5', 'U6']) {
        const d = document.createElement('div');
        d.setAttribute('data-xsell-slot', 'product');
        d.setAttribute('data-product', p);
        document.querySelector('main').append(d);
      }
      return window.xsell.refresh();
    });
    const cards = await page.evaluate(() => [...document.querySelectorAll('[data-xsell-slot]')].map((sl) => ({
      product: sl.dataset.product,
      title: sl.querySelector('.xsell-title')?.textContent,
      link: sl.querySelector('.xsell-title a')?.getAttribute('href') ?? null,
      img: sl.querySelector('img')?.getAttribute('src') ?? null,
    })));
    assert.deepEqual(cards, [
      { product: 'AURORA-Q', title: 'Title AURORA-Q', link: '/products/setup-wg.html', img: '/img/setup-wg.svg' },
      ...['U1', 'U2', 'U3', 'U4', 'U5', 'U6'].map((p) => ({ product: p, title: `Title ${p}`, link: null, img: null })),
    ]);
    assert.deepEqual(s.dialogs, []);
    assert.deepEqual(s.errors, []);
  }));

test('a bad command fires xsell:error bad_command on document and never throws', T, () =>
  h.withShopper(browser, server.base, {}, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    const thrown = await page.evaluate(() => {
      try {
        window.xsell.push(['no-such-command', 1], 'not an array', ['purchase', {}]);
        return null;
      } catch (e) {
        return String(e);
      }
    });
    assert.equal(thrown, null);
    const errors = await h.events(page, 'error');
    assert.deepEqual(errors.map((e) => [e.target, e.detail.code]),
      [['document', 'bad_command'], ['document', 'bad_command'], ['document', 'bad_command']]);
    assert.equal((await h.slot(page)).state, 'offer', 'the card is unaffected');
    assert.deepEqual(s.errors, []);
  }));
