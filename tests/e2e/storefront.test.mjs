// The demo storefront with the signed demo pack (fixtures/packs/demo.json): what the shopper
// sees, what accepting and dismissing do, caps across pages, the debug view, layout stability.
// Expected offers and sentences follow from the pack's rules; see docs/decision.md.

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

const WHITE_GLOVE_BECAUSE =
  'Because you chose the Aurora Queen Mattress, we recommend White-Glove Setup: no lifting, no packaging to deal with.';
const COOLGUARD_BECAUSE =
  'Because you chose the Aurora Queen Mattress and told us you sleep hot, we recommend the CoolGuard Queen Protector.';
const HOUR = 3600_000;

test('1. product page shows a compatible add-on with its because sentence', T, () =>
  h.withShopper(browser, server.base, {}, async (s) => {
    // Aurora Queen: white-glove-setup needs a mattress page (compatible: page, page.category
    // mattress); the bundles wait for 30 s of dwell; frame-alignment needs an answer.
    const page = await s.open('/products/aurora-q.html');
    const r = await h.slot(page);
    assert.equal(r.state, 'offer');
    assert.equal(r.title, 'White-glove setup');
    assert.equal(r.benefit, 'We carry it in, set it up and take the old mattress away.');
    assert.equal(r.price, '$149.00');
    assert.equal(r.because, WHITE_GLOVE_BECAUSE);
    const card = await page.evaluate(() => {
      const c = document.querySelector('[data-xsell-slot] .xsell-card');
      return { link: c.querySelector('.xsell-title a')?.getAttribute('href'), img: c.querySelector('img.xsell-img')?.getAttribute('src'),
        label: c.getAttribute('aria-label'), buttons: [...c.querySelectorAll('button')].map((b) => b.textContent) };
    });
    assert.deepEqual(card, { link: '/products/setup-wg.html', img: '/img/setup-wg.svg', label: 'Suggested add-on', buttons: ['Add setup', 'No thanks'] });
    const offers = await h.events(page, 'offer');
    assert.equal(offers.length, 1);
    const d = offers[0].detail;
    assert.equal(offers[0].target, 'product');
    assert.equal(d.offerId, 'white-glove-setup');
    assert.equal(d.product, 'AURORA-Q');
    assert.equal(d.offer.chosen, 'AURORA-Q');
    assert.deepEqual(d.offer.items.map((i) => i.sku), ['SETUP-WG']);
    assert.equal(d.decision.matched[0], 'fits Aurora Queen Mattress (AURORA-Q)');
    assert.match(d.decisionId, /^[0-9a-f]{32}$/);

    // The camera: the Pro Capture Kit bundles anchor on the Luma Z6 (advanced has the highest
    // priority of the two that need no personal signals).
    await h.goto(page, `${server.base}/products/luma-z6.html`);
    const cam = await h.slot(page);
    assert.equal(cam.state, 'offer');
    assert.equal(cam.title, 'Pro Capture Kit');
    assert.equal(cam.because, 'Because you chose the Luma Z6 Mirrorless Camera, the Pro Capture Kit has everything for your first shoot.');
    const [camOffer] = await h.events(page, 'offer');
    assert.equal(camOffer.detail.offerId, 'pro-capture-advanced');
    assert.equal(camOffer.detail.offer.chosen, 'LUMA-Z6');

    // Nothing in the pack fits a protector's page: the slot stays empty.
    await h.goto(page, `${server.base}/products/coolguard-q.html`);
    const none = await h.slot(page);
    assert.equal(none.card, false);
    assert.equal(none.state, 'empty');
    assert.equal(none.children, 0);
    assert.deepEqual(await h.events(page, 'offer'), []);
    assert.deepEqual(s.errors, []);
  }));

// Shopper journey: consent, the Aurora Queen page (white-glove shown: the protector offers wait
// for it), "I sleep hot", add the mattress, open the cart.
async function sleepsHotCart(s) {
  const page = await s.open('/products/aurora-q.html');
  assert.equal((await h.events(page, 'offer'))[0]?.detail.offerId, 'white-glove-setup');
  await page.check('input[name="sleep_temperature"][value="hot"]');
  await page.click('.buy [data-add-to-cart="AURORA-Q"]');
  await h.goto(page, `${server.base}/cart.html`);
  return page;
}

test('2. cart with the Aurora Queen and "I sleep hot" offers the CoolGuard protector, citing it', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL }, async (s) => {
    const page = await sleepsHotCart(s);
    const r = await h.slot(page);
    assert.equal(r.state, 'offer');
    assert.equal(r.title, 'CoolGuard Queen Protector');
    assert.equal(r.price, '$89.00');
    assert.equal(r.because, COOLGUARD_BECAUSE);
    const [offer] = await h.events(page, 'offer');
    assert.equal(offer.target, 'cart');
    assert.equal(offer.detail.offerId, 'coolguard-protector');
    assert.equal(offer.detail.decision.personalized, true);
    assert.ok(offer.detail.decision.matched.includes('answers.sleep_temperature eq hot'), offer.detail.decision.matched.join('; '));
    // It beat the contextual DryShield protector on priority (same group).
    assert.deepEqual(offer.detail.decision.trace.find((t) => t.offer === 'dryshield-protector')?.reason, 'lower_score');
    assert.deepEqual(s.errors, []);
  }));

test('3. accept fires xsell:accept and the storefront cart updates', T, () =>
  h.withShopper(browser, server.base, {}, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    assert.equal(await page.textContent('[data-cart-count]'), '0');
    await page.click('[data-xsell-slot] .xsell-add');
    const accepts = await h.events(page, 'accept');
    assert.equal(accepts.length, 1);
    const d = accepts[0].detail;
    assert.equal(accepts[0].target, 'product');
    assert.equal(d.offerId, 'white-glove-setup');
    assert.equal(d.kind, 'addon');
    assert.deepEqual(d.skus, ['SETUP-WG']);
    assert.deepEqual(d.price, { amount: 14900, currency: 'USD', display: '$149.00' });
    const r = await h.slot(page);
    assert.equal(r.state, 'accepted');
    assert.equal(r.card, false);
    assert.equal(r.done, 'Added: White-glove setup');
    assert.equal(await page.getAttribute('[data-xsell-slot] .xsell-done', 'role'), 'status');
    // The shop's own handler put it in its cart: header count and stored cart.
    await page.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '1', null, { timeout: h.WAIT });
    assert.deepEqual(await page.evaluate(() => JSON.parse(localStorage.getItem('shop.cart'))), [{ sku: 'SETUP-WG', qty: 1 }]);
    // Accepting again is impossible: the slot is finished for this page view.
    assert.equal(await page.locator('[data-xsell-slot] button').count(), 0);

    await h.goto(page, `${server.base}/cart.html`);
    assert.equal(await page.textContent('[data-cart-count]'), '1');
    assert.equal(await page.textContent('[data-cart-lines] li[data-sku="SETUP-WG"] .l-name'), 'White-Glove Setup');
    assert.deepEqual(s.errors, []);
  }));

test('3b. accepting the protector on the cart page adds it to the cart lines at once', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL }, async (s) => {
    const page = await sleepsHotCart(s);
    assert.equal(await page.textContent('[data-cart-count]'), '1');
    await page.click('[data-xsell-slot] .xsell-add');
    const [accept] = await h.events(page, 'accept');
    assert.deepEqual(accept.detail.skus, ['COOLGUARD-Q']);
    await page.waitForSelector('[data-cart-lines] li[data-sku="COOLGUARD-Q"]', { timeout: h.WAIT });
    assert.equal(await page.textContent('[data-cart-count]'), '2');
    assert.equal(await page.textContent('[data-subtotal]'), '$1,388.00');
    assert.equal((await h.slot(page)).done, 'Added: CoolGuard Queen Protector');
    assert.deepEqual(s.errors, []);
  }));

test('3c. a host that calls preventDefault() on xsell:accept gets the card removed without a confirmation', T, () =>
  h.withShopper(browser, server.base, {}, async (s) => {
    await s.context.addInitScript(() => document.addEventListener('xsell:accept', (e) => e.preventDefault()));
    const page = await s.open('/products/aurora-q.html');
    await page.click('[data-xsell-slot] .xsell-add');
    assert.equal((await h.events(page, 'accept')).length, 1);
    const r = await h.slot(page);
    assert.deepEqual([r.state, r.children, r.card, r.done], ['accepted', 0, false, null]);
    assert.deepEqual(s.errors, []);
  }));

test('4. "No thanks" suppresses the offer across reloads and pages for its 48 h cooldown', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL }, async (s) => {
    const t0 = Date.now();
    await s.context.clock.setFixedTime(t0);
    const page = await s.open('/products/aurora-q.html?xsell-debug');
    assert.equal((await h.slot(page)).title, 'White-glove setup');
    await page.click('[data-xsell-slot] .xsell-no');
    const [dismiss] = await h.events(page, 'dismiss');
    assert.equal(dismiss.detail.offerId, 'white-glove-setup');
    let r = await h.slot(page);
    assert.deepEqual([r.state, r.card, r.children], ['dismissed', false, 0]);

    const suppressed = async (left) => {
      const x = await h.slot(page);
      assert.deepEqual([x.state, x.card], ['empty', false]);
      assert.deepEqual(await h.events(page, 'offer'), []);
      assert.match(await h.debugText(page), new RegExp(`white-glove-setup: cooldown \\(dismissed; ${left} h of cooldown left\\)`));
    };
    await h.reload(page);
    await suppressed(48);
    // The cooldown is the offer's, not the page's: another mattress page does not show it either.
    await h.goto(page, `${server.base}/products/aurora-k.html?xsell-debug`);
    await suppressed(48);

    await s.context.clock.setFixedTime(t0 + 47 * HOUR);
    await h.goto(page, `${server.base}/products/aurora-q.html?xsell-debug`);
    await suppressed(1);

    await s.context.clock.setFixedTime(t0 + 48 * HOUR + 60_000);
    await h.reload(page);
    r = await h.slot(page);
    assert.equal(r.state, 'offer');
    assert.equal(r.title, 'White-glove setup');
    assert.deepEqual(s.errors, []);
  }));

test('5. caps hold across pages: white-glove setup at most 2 per session and 3 per day', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL }, async (s) => {
    // white-glove-setup: caps { session: 2, day: 3 }; the three mattress pages all offer it.
    const shown = async (page) => (await h.events(page, 'offer')).map((e) => e.detail.offerId);
    const page = await s.open('/products/aurora-q.html');
    assert.deepEqual(await shown(page), ['white-glove-setup']);
    await h.goto(page, `${server.base}/products/aurora-k.html`);
    assert.deepEqual(await shown(page), ['white-glove-setup']);
    await h.goto(page, `${server.base}/products/nimbus-q.html?xsell-debug`);
    assert.deepEqual(await shown(page), []);
    assert.equal((await h.slot(page)).state, 'empty');
    assert.match(await h.debugText(page), /white-glove-setup: cap_reached \(session cap 2 reached\)/);

    // A new tab is a new session: the session cap starts again, the day cap does not.
    const tab2 = await s.open('/products/nimbus-q.html');
    assert.deepEqual(await shown(tab2), ['white-glove-setup']);
    const tab3 = await s.open('/products/aurora-k.html?xsell-debug');
    assert.deepEqual(await shown(tab3), []);
    assert.match(await h.debugText(tab3), /white-glove-setup: cap_reached \(day cap 3 reached\)/);
    assert.deepEqual(s.errors, []);
  }));

test('an empty slot is decided again once the page has been read for 30 s (dwell)', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL }, async (s) => {
    // White-glove dismissed, so the Aurora Queen page starts empty; the Sleep Preservation Sets
    // need page.dwell_seconds >= 30, and the advanced tier has the higher priority.
    const page = await s.open('/products/aurora-q.html');
    await page.click('[data-xsell-slot] .xsell-no');
    await s.context.clock.install();
    await h.reload(page);
    assert.equal((await h.slot(page)).card, false);
    await page.clock.fastForward(25_000);
    assert.equal((await h.slot(page)).card, false, 'decided again before 30 s');
    await page.clock.fastForward(6_000);
    const r = await h.slot(page);
    assert.equal(r.title, 'Sleep Preservation Set');
    assert.equal(r.because, 'Because you chose the Aurora Queen Mattress, the Sleep Preservation Set protects it from day one.');
    const [offer] = await h.events(page, 'offer');
    assert.equal(offer.detail.offerId, 'sleep-set-advanced');
    assert.deepEqual(offer.detail.offer.items.map((i) => i.sku), ['COOLGUARD-Q', 'PILLOW-CLOUD']);
    assert.equal(offer.detail.offer.savings.display, '$19.00');
    assert.deepEqual(s.errors, []);
  }));

test('after checkout, the thank-you page offers sleep coaching for the mattress just bought', T, () =>
  h.withShopper(browser, server.base, { consent: h.CONSENT_ALL }, async (s) => {
    const page = await s.open('/products/aurora-q.html');
    await page.click('.buy [data-add-to-cart="AURORA-Q"]');
    await h.goto(page, `${server.base}/checkout.html`);
    await page.click('[data-place-order]');
    await page.waitForURL('**/thank-you.html', { timeout: h.WAIT });
    await h.ready(page);
    const r = await h.slot(page);
    assert.equal(r.title, '30-Night Sleep Coaching');
    assert.equal(r.because,
      'Because this is your first mattress from us, 30-Night Sleep Coaching helps you through the first month with the Aurora Queen Mattress.');
    const [offer] = await h.events(page, 'offer');
    assert.equal(offer.target, 'post_purchase');
    assert.equal(offer.detail.decision.stage, 'onboarding');
    assert.equal(offer.detail.offer.chosen, 'AURORA-Q');
    assert.deepEqual(s.errors, []);
  }));

test('?xsell-debug shows the decision trace as text after the slot', T, () =>
  h.withShopper(browser, server.base, {}, async (s) => {
    const page = await s.open('/products/aurora-q.html?xsell-debug');
    const dbg = await page.evaluate(() => {
      const slot = document.querySelector('[data-xsell-slot]');
      const pre = slot.nextElementSibling;
      return pre && { tag: pre.tagName, cls: pre.className, children: pre.childElementCount, text: pre.textContent };
    });
    assert.ok(dbg, 'no element after the slot');
    assert.deepEqual([dbg.tag, dbg.cls, dbg.children], ['PRE', 'xsell-debug', 0]);
    // No banner answer yet: the demo pack's consent_defaults "*" entry (grant) applies.
    for (const line of [
      /pack xsell-demo v3 · outcome offer · stage researching · personalized yes/,
      /consent \(default\): storage yes · personalization yes/,
      /storage: localStorage/,
      new RegExp(`winner white-glove-setup · score 50 · because: ${WHITE_GLOVE_BECAUSE.replace(/[.:]/g, '\\$&')}`),
      /matched: fits Aurora Queen Mattress \(AURORA-Q\)/,
      /frame-alignment: condition_false \(answers\.has_bed_frame eq true is false\)/,
      /sleep-set-advanced: condition_false \(page\.dwell_seconds gte 30 is false\)/,
      /signals: \{"placement":"product"/,
    ]) assert.match(dbg.text, line);
    // Without the parameter there is no debug view.
    await h.goto(page, `${server.base}/products/aurora-q.html`);
    assert.equal(await h.debugText(page), null);
    assert.deepEqual(s.errors, []);
  }));

// ---- 12. layout ---------------------------------------------------------------------------------

async function layoutAfterCard(s, path) {
  const page = await s.open(path);
  assert.equal((await h.slot(page)).state, 'offer', 'expected a card');
  await page.waitForFunction(() => window.__t.after, null, { timeout: h.WAIT });
  // Layout-shift entries reach the observer asynchronously: give them a moment.
  await page.waitForTimeout(250);
  return page.evaluate(() => window.__t);
}

function assertNoShiftOutsideSlot(t, label) {
  assert.equal(t.before.slotChildren, 0, `${label}: the card was there before DOMContentLoaded`);
  assert.equal(t.before.outside.length, t.after.outside.length);
  const moved = t.before.outside
    .map((b, i) => ({ el: b.el, before: b.box, after: t.after.outside[i].box }))
    .filter((m) => m.before.some((v, i) => Math.abs(v - m.after[i]) > 0.5));
  assert.deepEqual(moved.slice(0, 5), [], `${label}: ${moved.length} elements outside the slot moved or resized`);
  assert.deepEqual(t.after.slot, t.before.slot, `${label}: the slot itself changed size`);
  assert.notEqual(t.shifts, null, 'no layout-shift support');
  const outside = t.shifts.filter((e) => !e.hadRecentInput && e.sources.some((src) => !src.inSlot));
  assert.deepEqual(outside, [], `${label}: layout shifts outside the slot`);
}

// A tall viewport keeps everything around the slot in view, where the browser reports shifts.
test('12. no layout shift outside the slot when the card renders (desktop)', T, async () => {
  for (const path of ['/products/aurora-q.html', '/products/luma-z6.html']) {
    await h.withShopper(browser, server.base, { layout: true, viewport: { width: 1280, height: 3000 } }, async (s) => {
      assertNoShiftOutsideSlot(await layoutAfterCard(s, path), `${path} at 1280 px`);
      assert.deepEqual(s.errors, []);
    });
  }
});

test('12b. no layout shift outside the slot for taller cards (laptop and phone widths)', T, async () => {
  const cases = [
    // Desktop layout, narrow info column: the Luma Z6 page's bundle card on first view.
    { path: '/products/luma-z6.html', viewport: { width: 1024, height: 3000 } },
    // A phone after 30 s on the Aurora Queen page (the dwell pushed as the documented signals command).
    { path: '/products/aurora-q.html', viewport: { width: 375, height: 3000 }, signals: { page: { dwell_seconds: 45 } } },
  ];
  const failures = [];
  for (const c of cases) {
    await h.withShopper(browser, server.base, { layout: true, viewport: c.viewport, signals: c.signals }, async (s) => {
      try {
        assertNoShiftOutsideSlot(await layoutAfterCard(s, c.path), `${c.path} at ${c.viewport.width} px`);
      } catch (e) {
        failures.push(e.message.split('\n')[0]);
      }
    });
  }
  assert.deepEqual(failures, []);
});
