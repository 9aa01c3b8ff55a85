// The demo shop's own script: a mock cart, a consent banner, the "tell us" questions and the
// order flow. It is what a storefront developer would write around xsell, and it talks to xsell
// only through the documented contract:
//
//   (window.xsell = window.xsell || []).push(["cart", [{ sku, qty }, …]])
//   … push(["answers", { sleep_temperature: "hot" }])
//   … push(["purchase", { skus: [...], at: <unix seconds> }])
//   … push(["consent", { storage, personalization, measurement }])
//   … push(["customer", { first_purchase, order_count }])   (thank-you page)
//   … push(["context", { country: "US" }])                   (checkout, from the address form)
//   window.addEventListener("xsell:accept", (e) => e.detail.skus / e.detail.offer)
//
// This file loads as a module in <head>, so it runs before the xsell script at the end of
// <body> and its first pushes are queued before xsell reads the queue. It builds DOM with
// createElement / textContent only (no innerHTML), so it works under Trusted Types.
//
// Shop storage (not xsell's):
//   localStorage  shop.cart        [{ sku, qty }]
//   localStorage  shop.cartBundles [{ offer, name, skus, savings }]  bundle discounts accepted
//   localStorage  shop.lastOrder   { id, at, skus, items, subtotal, savings, total, email }
//   localStorage  shop.orderCount  number of orders placed in this browser
//   localStorage  shop.consent     { storage, personalization, measurement, at }
//   sessionStorage shop.answers    { sleep_temperature, has_bed_frame, shooting }

import { CATALOG, money } from './catalog.js';

const KEY = {
  cart: 'shop.cart',
  bundles: 'shop.cartBundles',
  order: 'shop.lastOrder',
  orders: 'shop.orderCount',
  consent: 'shop.consent',
  answers: 'shop.answers',
};
const MAX_QTY = 9;

// ---- storage that never throws --------------------------------------------------------------
// Storage can be blocked (SecurityError), full (QuotaExceededError) or edited by hand: every
// read is validated by its caller, and a memory copy keeps the page working without it.
const memory = new Map();
function area(session) {
  try {
    return session ? window.sessionStorage : window.localStorage;
  } catch {
    return null;
  }
}
function load(key, session = false) {
  let text = null;
  try {
    text = area(session)?.getItem(key) ?? null;
  } catch {
    text = null;
  }
  if (text === null) return memory.has(key) ? memory.get(key) : null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
function save(key, value, session = false) {
  memory.set(key, value);
  try {
    area(session)?.setItem(key, JSON.stringify(value));
  } catch {
    /* keep the memory copy */
  }
}

// ---- talking to xsell -----------------------------------------------------------------------
function tell(command, value) {
  try {
    (window.xsell = window.xsell || []).push([command, value]);
  } catch (err) {
    console.warn('shop: xsell did not take', command, err);
  }
}

// ---- small DOM helper -----------------------------------------------------------------------
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

// ---- cart -----------------------------------------------------------------------------------
function clampQty(n) {
  const q = Math.floor(Number(n));
  return Number.isFinite(q) ? Math.max(0, Math.min(MAX_QTY, q)) : 0;
}
export function readCart() {
  const raw = load(KEY.cart);
  const merged = new Map();
  for (const it of Array.isArray(raw) ? raw : []) {
    if (!it || typeof it.sku !== 'string' || !CATALOG[it.sku]) continue;
    const qty = clampQty(it.qty ?? 1);
    if (qty > 0) merged.set(it.sku, clampQty((merged.get(it.sku) || 0) + qty));
  }
  return [...merged].map(([sku, qty]) => ({ sku, qty }));
}
function readBundles(cart = readCart()) {
  const raw = load(KEY.bundles);
  const inCart = new Set(cart.map((i) => i.sku));
  return (Array.isArray(raw) ? raw : []).filter((b) =>
    b && typeof b.offer === 'string' && typeof b.name === 'string' &&
    Array.isArray(b.skus) && b.skus.length > 0 && b.skus.every((s) => inCart.has(s)) &&
    Number.isInteger(b.savings) && b.savings > 0);
}
function writeCart(items, { quiet = false } = {}) {
  const cart = items.filter((i) => i.qty > 0).map((i) => ({ sku: i.sku, qty: clampQty(i.qty) }));
  save(KEY.cart, cart);
  save(KEY.bundles, readBundles(cart)); // a bundle discount lasts while all its items are in the cart
  renderCount(cart);
  if (!quiet) tell('cart', cart);
  document.dispatchEvent(new CustomEvent('shop:cart', { detail: { cart } }));
  return cart;
}
function addToCart(sku, qty = 1) {
  const cart = readCart();
  const line = cart.find((i) => i.sku === sku);
  if (line) line.qty = clampQty(line.qty + qty);
  else cart.push({ sku, qty: clampQty(qty) });
  return writeCart(cart);
}
function setQty(sku, qty) {
  return writeCart(readCart().map((i) => (i.sku === sku ? { sku, qty: clampQty(qty) } : i)));
}
function totals(cart, bundles) {
  const subtotal = cart.reduce((s, i) => s + CATALOG[i.sku].price * i.qty, 0);
  const savings = bundles.reduce((s, b) => s + b.savings, 0);
  return { subtotal, savings, total: Math.max(0, subtotal - savings) };
}
function renderCount(cart = readCart()) {
  const n = cart.reduce((s, i) => s + i.qty, 0);
  for (const el of $$('[data-cart-count]')) {
    el.textContent = String(n);
    el.classList.toggle('is-empty', n === 0);
    el.setAttribute('aria-label', `${n} ${n === 1 ? 'item' : 'items'} in cart`);
  }
}
function renderTotals(root, t) {
  const set = (sel, text) => { for (const el of $$(sel, root)) el.textContent = text; };
  set('[data-subtotal]', money(t.subtotal));
  set('[data-savings]', t.savings > 0 ? `−${money(t.savings)}` : '—');
  for (const el of $$('[data-savings]', root)) el.classList.toggle('none', !(t.savings > 0));
  set('[data-total]', money(t.total));
}

// ---- toasts ---------------------------------------------------------------------------------
function toast(title, skus) {
  const box = $('[data-toasts]');
  if (!box) return;
  const first = CATALOG[skus[0]];
  const names = skus.map((s) => CATALOG[s].name);
  const onCart = document.body.dataset.page === 'cart';
  const el = h('div', { class: 'toast', role: 'status' },
    h('img', { src: first.image, alt: '' }),
    h('div', {},
      h('strong', { text: title }),
      h('span', { text: names.join(', ') + (onCart ? '' : ' · ') }),
      onCart ? null : h('a', { href: '/cart.html', text: 'View cart' })));
  box.append(el);
  setTimeout(() => el.remove(), 4500);
}

// ---- consent --------------------------------------------------------------------------------
const CHOICES = {
  all: { storage: true, personalization: true, measurement: true },
  necessary: { storage: false, personalization: false, measurement: false },
};
function readConsent() {
  const c = load(KEY.consent);
  if (!c || typeof c !== 'object') return null;
  const { storage, personalization, measurement } = c;
  if (![storage, personalization, measurement].every((v) => typeof v === 'boolean')) return null;
  return { storage, personalization, measurement };
}
function setupConsent() {
  const banner = $('[data-consent-banner]');
  const current = readConsent();
  if (current) tell('consent', current);
  if (!banner) return;
  if (navigator.globalPrivacyControl === true) $('[data-gpc-note]', banner).hidden = false;
  const show = () => {
    const c = readConsent();
    const note = $('[data-consent-current]', banner);
    note.hidden = !c;
    if (c) note.textContent = `Current choice: ${c.personalization ? 'accept all' : 'necessary only'}.`;
    banner.hidden = false;
  };
  if (!current) show();
  for (const btn of $$('[data-consent]', banner)) {
    btn.addEventListener('click', () => {
      const choice = CHOICES[btn.dataset.consent];
      save(KEY.consent, { ...choice, at: Math.floor(Date.now() / 1000) });
      tell('consent', { ...choice });
      banner.hidden = true;
    });
  }
  for (const btn of $$('[data-consent-open]')) btn.addEventListener('click', show);
}

// ---- answers ("tell us") --------------------------------------------------------------------
const ANSWER_TYPES = {
  sleep_temperature: ['hot', 'neutral', 'cold'],
  has_bed_frame: [true, false],
  shooting: ['travel', 'portrait', 'sports', 'family'],
};
function readAnswers() {
  const raw = load(KEY.answers, true);
  const out = {};
  if (raw && typeof raw === 'object') {
    for (const [k, allowed] of Object.entries(ANSWER_TYPES)) if (allowed.includes(raw[k])) out[k] = raw[k];
  }
  return out;
}
function setupAnswers() {
  const answers = readAnswers();
  if (Object.keys(answers).length) tell('answers', answers);
  for (const input of $$('[data-ask] input[type="radio"]')) {
    const value = input.name === 'has_bed_frame' ? input.value === 'true' : input.value;
    if (answers[input.name] === value) input.checked = true;
    input.addEventListener('change', () => {
      if (!input.checked) return;
      const next = { ...readAnswers(), [input.name]: value };
      save(KEY.answers, next, true);
      tell('answers', next);
    });
  }
}

// ---- xsell accepted an offer: put it in the cart ---------------------------------------------
const handled = new WeakSet();
function onAccept(event) {
  if (handled.has(event)) return;
  handled.add(event);
  const detail = event.detail || {};
  const skus = (Array.isArray(detail.skus) ? detail.skus : []).filter((s) => typeof s === 'string' && CATALOG[s]);
  if (!skus.length) return;
  const cart = readCart();
  const added = [];
  for (const sku of new Set(skus)) {
    // A bundle may list a product already in the cart (its anchor): keep one, don't double it.
    if (!cart.some((i) => i.sku === sku)) {
      cart.push({ sku, qty: 1 });
      added.push(sku);
    }
  }
  const offer = detail.offer && typeof detail.offer === 'object' ? detail.offer : null;
  const saving = offer?.kind === 'bundle' ? offer.savings?.amount : 0;
  if (Number.isInteger(saving) && saving > 0) {
    const name = [offer.bundle?.name || offer.title, offer.bundle?.label].filter(Boolean).join(' · ');
    const others = (load(KEY.bundles) || []).filter((b) => b && b.offer !== offer.id);
    save(KEY.bundles, [...others, { offer: String(offer.id), name, skus: [...new Set(skus)], savings: saving }]);
  }
  writeCart(cart);
  toast(added.length ? 'Added to your cart' : 'Already in your cart', added.length ? added : skus);
}

// ---- pages ----------------------------------------------------------------------------------
function setupAddButtons() {
  const qtyInput = $('[data-qty]');
  for (const btn of $$('[data-qty-step]')) {
    btn.addEventListener('click', () => {
      const next = Math.max(1, Math.min(MAX_QTY, (Number(qtyInput.value) || 1) + Number(btn.dataset.qtyStep)));
      qtyInput.value = String(next);
    });
  }
  for (const btn of $$('[data-add-to-cart]')) {
    btn.addEventListener('click', () => {
      const sku = btn.dataset.addToCart;
      if (!CATALOG[sku]) return;
      const inBuyBox = qtyInput && btn.closest('.buy');
      const qty = inBuyBox ? Math.max(1, Math.min(MAX_QTY, Number(qtyInput.value) || 1)) : 1;
      addToCart(sku, qty);
      toast('Added to your cart', [sku]);
    });
  }
}

function renderCartPage() {
  const list = $('[data-cart-lines]');
  const empty = $('[data-cart-empty]');
  const cart = readCart();
  const bundles = readBundles(cart);
  const inBundle = new Map();
  for (const b of bundles) for (const s of b.skus) inBundle.set(s, b.name);
  list.replaceChildren(...cart.map(({ sku, qty }) => {
    const p = CATALOG[sku];
    return h('li', { class: 'line', 'data-sku': sku },
      h('a', { href: p.url, tabindex: '-1', 'aria-hidden': 'true' }, h('img', { src: p.image, alt: '', width: 96, height: 96 })),
      h('div', {},
        h('a', { class: 'l-name', href: p.url, text: p.name }),
        h('div', { class: 'l-kind', text: p.kind }),
        inBundle.has(sku) ? h('span', { class: 'bundle-note', text: `Part of ${inBundle.get(sku)}` }) : null,
        h('div', { class: 'l-controls' },
          h('div', { class: 'qty sm' },
            h('button', { type: 'button', 'aria-label': `One fewer ${p.name}`, onclick: () => setQty(sku, qty - 1), text: '−' }),
            h('span', { 'aria-label': `Quantity ${qty}`, text: String(qty) }),
            h('button', { type: 'button', 'aria-label': `One more ${p.name}`, disabled: qty >= MAX_QTY, onclick: () => setQty(sku, qty + 1), text: '+' })),
          h('button', { type: 'button', class: 'link-btn', onclick: () => setQty(sku, 0), text: 'Remove' }))),
      h('div', { class: 'l-price' }, money(p.price * qty), qty > 1 ? h('div', { class: 'l-each', text: `${money(p.price)} each` }) : null));
  }));
  list.hidden = cart.length === 0;
  empty.hidden = cart.length > 0;
  renderTotals(document, totals(cart, bundles));
  const link = $('[data-checkout-link]');
  if (cart.length) link.removeAttribute('aria-disabled');
  else link.setAttribute('aria-disabled', 'true');
}

function miniLines(items) {
  return items.map(({ sku, qty }) => {
    const p = CATALOG[sku];
    return h('li', {},
      h('img', { src: p.image, alt: '', width: 48, height: 48 }),
      h('span', {}, p.name, qty > 1 ? h('span', { class: 'q', text: ` × ${qty}` }) : null),
      h('span', { class: 'p', text: money(p.price * qty) }));
  });
}

function renderCheckout() {
  const cart = readCart();
  const bundles = readBundles(cart);
  $('[data-mini-lines]').replaceChildren(...miniLines(cart));
  $('[data-mini-lines]').hidden = cart.length === 0;
  $('[data-checkout-empty]').hidden = cart.length > 0;
  renderTotals(document, totals(cart, bundles));
  $('[data-delivery]').textContent = cart.some((i) => i.sku === 'RUSH-SHIP') ? 'Rush · 2 days' : 'Free · 3–5 days';
  $('[data-place-order]').disabled = cart.length === 0;
}

function setupCheckout() {
  renderCheckout();
  // The delivery country decides which delivery offers apply (rush delivery: US and Canada).
  const country = $('[data-checkout-form] select[name="country"]');
  tell('context', { country: country.value });
  country.addEventListener('change', () => tell('context', { country: country.value }));
  $('[data-checkout-form]').addEventListener('submit', (event) => {
    event.preventDefault();
    const cart = readCart();
    if (!cart.length) return;
    const bundles = readBundles(cart);
    const t = totals(cart, bundles);
    const digits = new Uint32Array(1);
    crypto.getRandomValues(digits);
    const previous = Number.isInteger(load(KEY.orders)) ? Math.max(0, load(KEY.orders)) : 0;
    const order = {
      id: `DL-${String(digits[0] % 1000000).padStart(6, '0')}`,
      at: Math.floor(Date.now() / 1000),
      skus: cart.map((i) => i.sku),
      items: cart,
      bundles,
      ...t,
      email: String(new FormData(event.target).get('email') || ''),
      number: previous + 1,
    };
    save(KEY.orders, previous + 1);
    save(KEY.order, order);
    save(KEY.bundles, []);
    writeCart([], { quiet: true });
    location.assign('/thank-you.html');
  });
}

function readOrder() {
  const o = load(KEY.order);
  if (!o || typeof o !== 'object' || typeof o.id !== 'string' || !Number.isInteger(o.at)) return null;
  const items = (Array.isArray(o.items) ? o.items : [])
    .filter((i) => i && CATALOG[i.sku] && clampQty(i.qty) > 0)
    .map((i) => ({ sku: i.sku, qty: clampQty(i.qty) }));
  if (!items.length) return null;
  return { ...o, items, skus: items.map((i) => i.sku), savings: Number.isInteger(o.savings) ? o.savings : 0 };
}

function setupThankYou() {
  const order = readOrder();
  if (!order) {
    $('[data-thanks-title]').textContent = 'No recent order';
    $('[data-thanks-text]').textContent = 'Place an order at checkout and its confirmation will show here.';
    $('[data-order]').hidden = true;
    return;
  }
  // The order placed at checkout: xsell uses it to choose onboarding offers for what was bought.
  const count = Number.isInteger(order.number) && order.number > 0 ? order.number : 1;
  tell('customer', { first_purchase: count === 1, order_count: count });
  tell('purchase', { skus: order.skus, at: order.at });
  const first = order.email ? ` We have sent the details to ${order.email}.` : '';
  $('[data-thanks-text]').textContent = `Your order is confirmed.${first}`;
  $('[data-order-id]').textContent = order.id;
  $('[data-order] [data-mini-lines]').replaceChildren(...miniLines(order.items));
  const subtotal = order.items.reduce((s, i) => s + CATALOG[i.sku].price * i.qty, 0);
  renderTotals($('[data-order]'), { subtotal, savings: order.savings, total: Math.max(0, subtotal - order.savings) });
}

// ---- boot -----------------------------------------------------------------------------------
function boot() {
  const page = document.body.dataset.page;
  setupConsent(); // consent first, so xsell knows it before any context
  const cart = readCart();
  renderCount(cart);
  tell('cart', cart);
  setupAnswers();
  window.addEventListener('xsell:accept', onAccept, true);
  setupAddButtons();
  if (page === 'cart') {
    renderCartPage();
    document.addEventListener('shop:cart', renderCartPage);
  } else if (page === 'checkout') {
    setupCheckout();
    document.addEventListener('shop:cart', renderCheckout);
  } else if (page === 'thank-you') {
    setupThankYou();
  }
  // Another tab changed the cart: keep the count (and this page's cart view) in step.
  window.addEventListener('storage', (e) => {
    if (e.key !== KEY.cart) return;
    const next = readCart();
    renderCount(next);
    tell('cart', next);
    document.dispatchEvent(new CustomEvent('shop:cart', { detail: { cart: next } }));
  });
}

boot();
