// Consent in the browser: GPC, a TCF CMP that denies, withdrawal through the command queue and
// through the shop's privacy settings. See docs/script-api.md#consent and #storage.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './helpers.mjs';

const T = { timeout: 40_000 };
let packs, server, browser;

before(async () => {
  packs = h.makePacks();
  server = await h.startServer(packs);
  browser = await h.launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  packs?.cleanup();
});

const NONE = { local: [], session: [] };
const WHITE_GLOVE_BECAUSE =
  'Because you chose the Aurora Queen Mattress, we recommend White-Glove Setup: no lifting, no packaging to deal with.';
const WITHDRAW = ['consent', { storage: false, personalization: false, measurement: false }];

// Everything xsell showed, and everything it decided (the debug view), must be contextual:
// nothing the shopper told us ("I sleep hot", "keeping my frame") may be cited or used.
async function assertContextual(page, where) {
  for (const e of await h.events(page, 'offer')) {
    assert.equal(e.detail.decision.personalized, false, `${where}: personalized decision`);
    assert.doesNotMatch(e.detail.offer.because, /told us|sleep hot|bed frame/, `${where}: personal because`);
  }
  const dbg = await h.debugText(page);
  assert.ok(dbg, `${where}: no debug view`);
  assert.match(dbg, /personalized no/, where);
  assert.doesNotMatch(dbg, /because: .*told us/, where);
}

// The journey of test 2 (which, with consent, ends in the personalized CoolGuard offer), under a
// privacy signal: consent was given in the shop's banner, but must not take effect.
async function journeyWithoutPersonalization(s, expectSource) {
  const page = await s.open('/products/aurora-q.html?xsell-debug');
  const c = await page.evaluate(() => window.xsell.consent());
  assert.deepEqual({ ...c, gpc: undefined }, { storage: false, personalization: false, measurement: false, gpc: undefined, source: expectSource });
  const r = await h.slot(page);
  assert.equal(r.state, 'offer');
  assert.equal(r.because, WHITE_GLOVE_BECAUSE);
  // frame-alignment reads an answer: it is personal, so it loses on consent before anything else.
  assert.match(await h.debugText(page), /frame-alignment: consent \(needs personalization consent\)/);
  await assertContextual(page, 'product page');
  assert.deepEqual(await h.xsellKeys(page), NONE, 'stored on the product page');

  await page.check('input[name="sleep_temperature"][value="hot"]');
  await page.check('input[name="has_bed_frame"][value="true"]');
  await page.click('.buy [data-add-to-cart="AURORA-Q"]');
  await page.click('[data-xsell-slot] .xsell-add'); // an accept is recorded: still nothing stored
  assert.equal((await h.events(page, 'accept')).length, 1);
  assert.deepEqual(await h.xsellKeys(page), NONE, 'stored after answers, cart and accept');

  await h.goto(page, `${server.base}/cart.html?xsell-debug`);
  const cart = await h.slot(page);
  assert.equal(cart.card, false, `cart offered ${cart.title}: ${cart.because}`);
  assert.match(await h.debugText(page), /coolguard-protector: consent \(needs personalization consent\)/);
  await assertContextual(page, 'cart');
  assert.deepEqual(await h.xsellKeys(page), NONE, 'stored on the cart page');
  // Not even read: without storage consent the engine keeps its ledger in memory.
  assert.deepEqual(await h.storageAccess(page), [], 'xsell.* storage accessed on the cart page');
  return c;
}

test('6. GPC: nothing stored by xsell and nothing personalized, whatever the banner said', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL, gpc: true }, async (s) => {
    const c = await journeyWithoutPersonalization(s, 'host');
    assert.equal(c.gpc, true);
    assert.deepEqual(s.errors, []);
  }));

test('7. TCF CMP denies every purpose: nothing stored and nothing personalized', T, () =>
  // The host's stored "accept all" is pushed first; the CMP answers later and wins.
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL, tcf: { grant: false } }, async (s) => {
    const c = await journeyWithoutPersonalization(s, 'tcf');
    assert.equal(c.gpc, false);
    assert.deepEqual(s.errors, []);
  }));

test('7b. control: a TCF CMP that grants every purpose enables storage and personalization', T, () =>
  h.withShopper(browser, server.base, { tcf: { grant: true } }, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    const c = await page.evaluate(() => window.xsell.consent());
    assert.deepEqual(c, { storage: true, personalization: true, measurement: true, gpc: false, source: 'tcf' });
    assert.deepEqual(await h.xsellKeys(page), { local: ['xsell.ledger'], session: ['xsell.session'] });
    assert.equal((await h.events(page, 'offer'))[0].detail.decision.personalized, true);
    assert.deepEqual(s.errors, []);
  }));

for (const [label, consent] of [['all', h.CONSENT_ALL], ['storage only', h.CONSENT_STORAGE_ONLY]]) {
  test(`8. consent (${label}) withdrawn through the queue deletes every xsell key and removes the card`, T, () =>
    h.withShopper(browser, server.base, { consent }, async (s) => {
      const page = await s.open('/products/aurora-q.html');
      assert.equal((await h.slot(page)).state, 'offer');
      assert.equal((await h.events(page, 'offer'))[0].detail.decision.personalized, consent.personalization);
      assert.deepEqual(await h.xsellKeys(page), { local: ['xsell.ledger'], session: ['xsell.session'] });
      await page.evaluate((cmd) => window.xsell.push(cmd), WITHDRAW);
      assert.deepEqual(await h.xsellKeys(page), NONE);
      const r = await h.slot(page);
      assert.deepEqual([r.card, r.children, r.state], [false, 0, 'empty']);
      assert.equal((await page.evaluate(() => window.xsell.consent())).storage, false);
      // The slot stays empty for this page view, and later commands store nothing.
      await page.evaluate(() => window.xsell.push(['answers', { sleep_temperature: 'hot' }], ['cart', ['AURORA-Q']]));
      await page.evaluate(() => window.xsell.refresh());
      assert.equal((await h.slot(page)).card, false);
      assert.equal((await h.events(page, 'offer')).length, 1);
      assert.deepEqual(await h.xsellKeys(page), NONE);
      assert.deepEqual(s.errors, []);
    }));
}

test('consent withdrawn in the shop\'s privacy settings removes the card and the keys', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL }, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    assert.equal((await h.slot(page)).card, true);
    await page.click('[data-consent-open]');
    await page.click('[data-consent-banner] [data-consent="necessary"]');
    const r = await h.slot(page);
    assert.deepEqual([r.card, r.children, r.state], [false, 0, 'empty']);
    assert.deepEqual(await h.xsellKeys(page), NONE);
    // Next page: the stored "necessary only" choice applies from the start.
    await h.goto(page, `${server.base}/products/aurora-k.html`);
    assert.equal((await h.slot(page)).card, true, 'a contextual offer is still fine');
    assert.deepEqual(await h.xsellKeys(page), NONE);
    assert.deepEqual(s.errors, []);
  }));

test('personalization withdrawn removes the personalized card but keeps the stored history', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL }, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    await page.check('input[name="sleep_temperature"][value="hot"]');
    await page.click('.buy [data-add-to-cart="AURORA-Q"]');
    await h.goto(page, `${server.base}/cart.html`);
    assert.equal((await h.slot(page)).title, 'CoolGuard Queen Protector');
    await page.evaluate(() => window.xsell.push(['consent', { storage: true, personalization: false, measurement: false }]));
    const r = await h.slot(page);
    assert.deepEqual([r.card, r.children, r.state], [false, 0, 'empty']);
    assert.deepEqual(await h.xsellKeys(page), { local: ['xsell.ledger'], session: ['xsell.session'] });
    assert.deepEqual(s.errors, []);
  }));

// ---- a CMP that answers after the engine started ------------------------------------------------
// Real TCF CMPs usually answer addEventListener asynchronously (their stub queues the call until
// the CMP has loaded). These tests grant everything 300 ms after the script asked.

const LATE_CMP = { tcf: { grant: true, delay: 300 } };
const waitConsent = (page) => page.waitForFunction(
  () => window.xsell.consent().source === 'tcf' && localStorage.getItem('xsell.ledger'), null, { timeout: h.WAIT });
/** The stored ledger, decoded (xl1.<base64url JSON>.<checksum>, docs/decision.md#encoding). */
const storedLedger = (page) => page.evaluate(() => {
  const text = localStorage.getItem('xsell.ledger');
  const b64 = text.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))));
});

test('late CMP consent: the stored ledger keeps counting the tab\'s session, so session caps hold', T, () =>
  h.withShopper(browser, server.base, LATE_CMP, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    await waitConsent(page);
    await h.goto(page, `${server.base}/products/aurora-k.html`);
    await waitConsent(page);
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('xsell.session')));
    const ledger = await storedLedger(page);
    assert.equal(ledger.sid, session.id, 'the ledger\'s session is not the tab\'s session');
    assert.ok(ledger.st >= 2, `session total ${ledger.st} after two pages with a card each`);
    // A slot decided after consent, in the same session: white-glove's session cap (2) holds.
    await page.evaluate(() => {
      const d = document.createElement('div');
      d.setAttribute('data-xsell-slot', 'product');
      d.setAttribute('data-product', 'NIMBUS-Q');
      d.setAttribute('data-category', 'mattress');
      d.id = 'late-slot';
      document.querySelector('main').append(d);
      return window.xsell.refresh();
    });
    assert.equal((await h.slot(page, '#late-slot')).card, false, 'white-glove offered a third time in the session');
    assert.deepEqual(s.errors, []);
  }));

test('late CMP consent: "No thanks" still holds on the next page', T, () =>
  h.withShopper(browser, server.base, LATE_CMP, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    await waitConsent(page);
    assert.equal((await h.slot(page)).title, 'White-glove setup');
    await page.click('[data-xsell-slot] .xsell-no');
    await h.reload(page);
    await waitConsent(page);
    const r = await h.slot(page);
    assert.notEqual(r.title, 'White-glove setup', 'the dismissed offer is back');
    assert.deepEqual(s.errors, []);
  }));

// A CMP slower than the script's wait (500 ms, docs/script-api.md#consent): the first decision
// is made without it. In the EEA the demo pack assumes nothing, so the first card is recorded in
// memory with the page's temporary session id; when the CMP grants storage, those events are
// replayed into the stored ledger under the tab's session.
const VERY_LATE_CMP = { tcf: { grant: true, delay: 1200 } };
const inCountry = (country) => { (window.xsell = window.xsell || []).push(['context', { country }]); };

test('very late CMP consent: events replayed into the stored ledger count in the tab\'s session', T, () =>
  h.withShopper(browser, server.base, VERY_LATE_CMP, async (s) => {
    await s.context.addInitScript(inCountry, 'DE');
    const page = await s.open('/products/aurora-q.html');
    const c = await page.evaluate(() => window.xsell.consent());
    assert.deepEqual([c.source, c.storage, c.personalization], ['default', false, false]);
    assert.equal((await h.slot(page)).state, 'offer', 'decided before the CMP answered');
    await waitConsent(page);
    await h.goto(page, `${server.base}/products/aurora-k.html`);
    assert.equal((await h.slot(page)).state, 'offer');
    await waitConsent(page);
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('xsell.session')));
    const ledger = await storedLedger(page);
    assert.equal(ledger.sid, session.id, 'the ledger\'s session is not the tab\'s session');
    assert.ok(ledger.st >= 2, `session total ${ledger.st} after two pages with a card each`);
    assert.deepEqual(s.errors, []);
  }));

test('a CMP that never answers: the first decision waits at most ~500 ms, then uses the pack\'s default', T, () =>
  h.withShopper(browser, server.base, { tcf: { grant: true, delay: 60_000 } }, async (s) => {
    await s.context.addInitScript(inCountry, 'US'); // the demo pack grants everything outside the EEA, GB and CH
    const page = await s.open('/products/aurora-q.html');
    assert.deepEqual(await page.evaluate(() => window.xsell.consent()),
      { storage: true, personalization: true, measurement: true, gpc: false, source: 'default' });
    assert.equal((await h.slot(page)).title, 'White-glove setup');
    assert.deepEqual(await h.xsellKeys(page), { local: ['xsell.ledger'], session: ['xsell.session'] });
    assert.deepEqual(s.errors, []);
  }));
