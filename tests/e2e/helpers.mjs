// Shared fixtures for the end-to-end tests (node --test tests/e2e/): signed packs in a temp dir,
// the demo server (scripts/serve.mjs) on 127.0.0.1, and headless Chromium (Debian's, driven by
// playwright-core; nothing is downloaded).
//
// Needs the browser build and the CLI: `scripts/build.sh browser` (dist/browser/) and
// `cargo build -q -p xsell-cli` (target/debug/xsell). scripts/test.sh runs both first.
//
// Every wait here is bounded: process starts, page waits and in-page promises all time out.

import { spawn, execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, sign as edSign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const XSELL = path.join(ROOT, 'target/debug/xsell');
// XSELL_E2E_DIST serves another build of the three browser files (default dist/browser).
export const DIST = path.resolve(process.env.XSELL_E2E_DIST || path.join(ROOT, 'dist/browser'));
export const DEMO_PACK = path.join(ROOT, 'fixtures/packs/demo.json');
export const PAYLOAD_TYPE = 'application/vnd.xsell.pack.v1+json';

/** Default per-wait timeout inside a test (ms). */
export const WAIT = 10_000;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function checkBuilt() {
  const missing = [XSELL, ...['xsell.js', 'xsell_core.js', 'xsell_core_bg.wasm'].map((f) => path.join(DIST, f))]
    .filter((f) => !existsSync(f));
  if (missing.length) {
    throw new Error(`missing ${missing.map((f) => path.relative(ROOT, f)).join(', ')}: ` +
      'run `scripts/build.sh browser` and `cargo build -q -p xsell-cli` first');
  }
}

function run(cmd, args) {
  return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}

const clone = (x) => JSON.parse(JSON.stringify(x));

/** Signs pack JSON bytes into an envelope ourselves (DSSE PAE, Ed25519), bypassing the CLI's lint. */
export function signRaw(payload, keyPrefix) {
  const seed = Buffer.from(readFileSync(`${keyPrefix}.key`, 'utf8').trim().replace(/^xsell-secret-ed25519:/, ''), 'base64');
  const pub = Buffer.from(readFileSync(`${keyPrefix}.pub`, 'utf8').trim().replace(/^ed25519:/, ''), 'base64');
  const key = createPrivateKey({
    format: 'jwk',
    key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: pub.toString('base64url') },
  });
  const body = Buffer.from(payload);
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(PAYLOAD_TYPE)} ${PAYLOAD_TYPE} ${body.length} `),
    body,
  ]);
  const keyid = `xk1-${createHash('sha256').update(pub).digest('hex').slice(0, 16)}`;
  return JSON.stringify({
    payloadType: PAYLOAD_TYPE,
    payload: body.toString('base64'),
    signatures: [{ keyid, sig: edSign(null, pae, key).toString('base64') }],
  });
}

/** Hostile strings that must come out as text, never markup. */
export const HOSTILE = {
  mattress: 'Aurora "><img src=x onerror=alert(1)> Queen',
  setupName: '<script>alert(2)</script>Setup',
  setupUrl: '/products/setup-wg.html"><script>alert(3)</script>',
  setupImage: '/img/setup-wg.svg"onerror="alert(4)',
  title: '"><script>alert(5)</script><b>White-glove</b>',
  benefit: '<img src=x onerror=alert(6)> & <iframe src="javascript:alert(7)"></iframe>',
  because: 'Because you chose the {chosen.name}, we recommend {offer.name}: <a href="javascript:alert(8)">click</a>.',
  cta: '<svg onload=alert(9)>Add',
};

/**
 * A fresh key and every pack the tests serve, in a new temp dir:
 *   demo      fixtures/packs/demo.json, signed
 *   tampered  the signed demo pack with one payload byte flipped
 *   expired   demo.json with its header dates in the past, signed
 *   hostile   demo.json with markup and script in names, title, benefit, because, cta, urls; signed
 *   jsurl     demo.json with a javascript: product url, signed directly (the CLI refuses to)
 *   foreign   the demo pack signed by another key
 *   older     demo.json one version lower, signed (a rollback once the demo pack was seen)
 *   elsewhere demo.json for another site only (audience sleep.example), signed
 *   missing   a path that does not exist (the route answers 404)
 */
export function makePacks() {
  checkBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'xsell-e2e-'));
  const key = path.join(dir, 'shop');
  const other = path.join(dir, 'other');
  run(XSELL, ['keygen', '--out', key]);
  run(XSELL, ['keygen', '--out', other]);
  const demo = JSON.parse(readFileSync(DEMO_PACK, 'utf8'));
  const file = (name) => path.join(dir, name);
  const signCli = (name, pack, k = key) => {
    writeFileSync(file(`${name}.src.json`), JSON.stringify(pack, null, 2));
    run(XSELL, ['pack', 'sign', file(`${name}.src.json`), '--key', `${k}.key`, '--out', file(`${name}.json`)]);
    return file(`${name}.json`);
  };

  const packs = { dir, key, pub: `${key}.pub`, otherPub: `${other}.pub` };
  packs.demo = signCli('demo', demo);
  packs.foreign = signCli('foreign', demo, other);

  const env = JSON.parse(readFileSync(packs.demo, 'utf8'));
  const payload = Buffer.from(env.payload, 'base64');
  const at = payload.indexOf('Aurora Queen Mattress');
  payload[at] ^= 0x01; // "Aurora" -> "@urora": still JSON, no longer what was signed
  writeFileSync(file('tampered.json'), JSON.stringify({ ...env, payload: payload.toString('base64') }, null, 2));
  packs.tampered = file('tampered.json');

  const expired = clone(demo);
  expired.header.issued_at = '2020-01-01T00:00:00Z';
  expired.header.expires_at = '2021-01-01T00:00:00Z';
  packs.expired = signCli('expired', expired);

  const hostile = clone(demo);
  const sku = (s) => hostile.catalog.find((p) => p.sku === s);
  const offer = (id) => hostile.offers.find((o) => o.id === id);
  sku('AURORA-Q').name = HOSTILE.mattress;
  Object.assign(sku('SETUP-WG'), { name: HOSTILE.setupName, url: HOSTILE.setupUrl, image: HOSTILE.setupImage });
  Object.assign(offer('white-glove-setup'), {
    title: HOSTILE.title, benefit: HOSTILE.benefit, because: HOSTILE.because, cta: HOSTILE.cta,
  });
  packs.hostile = signCli('hostile', hostile);

  const jsurl = clone(demo);
  jsurl.catalog.find((p) => p.sku === 'SETUP-WG').url = 'javascript:alert(10)';
  writeFileSync(file('jsurl.json'), signRaw(JSON.stringify(jsurl, null, 2), key));
  packs.jsurl = file('jsurl.json');

  const older = clone(demo);
  older.header.version = demo.header.version - 1;
  packs.older = signCli('older', older);

  const elsewhere = clone(demo);
  elsewhere.header.audience = ['sleep.example'];
  packs.elsewhere = signCli('elsewhere', elsewhere);

  packs.missing = file('does-not-exist.json');
  packs.cleanup = () => rmSync(dir, { recursive: true, force: true });
  return packs;
}

/**
 * Starts scripts/serve.mjs on 127.0.0.1 with a free port. Routes /xsell/NAME.json for every
 * pack in `packs` (tampered.json, expired.json, …). Returns { base, stop }.
 */
export async function startServer(packs, { csp } = {}) {
  const args = [path.join(ROOT, 'scripts/serve.mjs'), '--port', '0', '--root', path.join(ROOT, 'www'),
    '--xsell', DIST, '--pack', packs.demo, '--keys', packs.pub];
  for (const name of ['tampered', 'expired', 'hostile', 'jsurl', 'foreign', 'older', 'elsewhere', 'missing']) {
    args.push('--pack-route', `${name}.json=${packs[name]}`);
  }
  if (csp) args.push('--csp', csp);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => { stderr += b; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`serve.mjs did not start in 10 s: ${stderr}`)); }, 10_000);
    child.stdout.on('data', (b) => {
      out += b;
      const m = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve.mjs exited with ${code}: ${stderr}`)); });
  });
  child.stdout.resume();
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });
  return { base, stop };
}

export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** What the storefront stores when the shopper presses "Accept all" on its consent banner. */
export const CONSENT_ALL = { storage: true, personalization: true, measurement: true, at: 1 };
export const CONSENT_STORAGE_ONLY = { storage: true, personalization: false, measurement: false, at: 1 };

// Runs in every page before any of its scripts: records every xsell event (a listener added
// before the script loads sees them all, docs/events.md), optionally the layout.
function instrument(opts) {
  const log = (window.__t = { events: [], shifts: [], before: null, after: null, storage: [] });
  // Every read, write or delete of an xsell.* key, in either storage area.
  for (const op of ['getItem', 'setItem', 'removeItem']) {
    const orig = Storage.prototype[op];
    Storage.prototype[op] = function (key, ...rest) {
      if (String(key).startsWith('xsell.')) log.storage.push(`${this === window.sessionStorage ? 'session' : 'local'}.${op}(${key})`);
      return orig.call(this, key, ...rest);
    };
  }
  const plain = (x) => { try { return JSON.parse(JSON.stringify(x)); } catch { return null; } };
  for (const type of ['offer', 'accept', 'dismiss', 'error']) {
    document.addEventListener(`xsell:${type}`, (e) => {
      const t = e.target;
      log.events.push({
        type,
        target: t === document ? 'document' : (t && t.dataset && t.dataset.xsellSlot) || String(t && t.nodeName),
        detail: plain(e.detail),
      });
    }, true);
  }
  if (opts.gpc) {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
  }
  if (opts.tcf) {
    // A CMP that answers addEventListener with tcloaded: at once, or after `delay` ms (a CMP
    // whose stub queues the call until the real CMP has loaded).
    const purposes = {};
    for (let i = 1; i <= 11; i++) purposes[i] = !!opts.tcf.grant;
    window.__tcfapi = (command, version, callback) => {
      if (command !== 'addEventListener') return;
      const answer = () => callback({ tcString: 'test', eventStatus: 'tcloaded', gdprApplies: true, listenerId: 1,
        purpose: { consents: purposes, legitimateInterests: {} }, vendor: { consents: {} } }, true);
      if (opts.tcf.delay) setTimeout(answer, opts.tcf.delay);
      else answer();
    };
  }
  const q = (window.xsell = window.xsell || []);
  if (opts.config) q.push(['config', opts.config]);
  if (opts.signals) q.push(['signals', opts.signals]);
  if (opts.layout) {
    // Layout of every element outside the slot, before the card (DOMContentLoaded: the script
    // decides only after it) and after the first card; and the layout shifts the browser saw.
    const outside = () => {
      const slot = document.querySelector('[data-xsell-slot]');
      return [...document.querySelectorAll('body *')]
        .filter((el) => !slot.contains(el) && !el.closest('[data-toasts],[data-consent-banner],pre.xsell-debug'))
        .map((el) => {
          const r = el.getBoundingClientRect();
          return { el: el.tagName.toLowerCase() + (el.className && typeof el.className == 'string' ? '.' + el.className.split(' ')[0] : ''),
            box: [r.x, r.y + scrollY, r.width, r.height].map((v) => Math.round(v * 10) / 10) };
        });
    };
    const snap = () => {
      const slot = document.querySelector('[data-xsell-slot]');
      const r = slot.getBoundingClientRect();
      return { slot: [r.x, r.y + scrollY, r.width, r.height], slotChildren: slot.childElementCount, outside: outside() };
    };
    document.addEventListener('DOMContentLoaded', () => { log.before = snap(); });
    document.addEventListener('xsell:offer', () => {
      requestAnimationFrame(() => requestAnimationFrame(() => { log.after = snap(); }));
    });
    try {
      new PerformanceObserver((list) => {
        const slot = document.querySelector('[data-xsell-slot]');
        for (const entry of list.getEntries()) {
          log.shifts.push({
            value: entry.value,
            hadRecentInput: entry.hadRecentInput,
            sources: (entry.sources || []).map((s) => ({
              inSlot: !!(s.node && slot && slot.contains(s.node)),
              node: s.node ? s.node.nodeName + (s.node.className && typeof s.node.className == 'string' ? '.' + s.node.className : '') : null,
              dy: s.currentRect.y - s.previousRect.y,
            })),
          });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    } catch (e) {
      log.shifts = null;
    }
  }
}

/**
 * A fresh context: options { consent (the shop's stored choice, e.g. CONSENT_ALL), gpc,
 * tcf: { grant }, config (an xsell config command), signals (an xsell signals command),
 * layout, viewport }. Returns { context, open(path) → page, errors, dialogs }.
 */
export async function newShopper(browser, base, opts = {}) {
  const storageState = opts.consent
    ? { cookies: [], origins: [{ origin: base, localStorage: [{ name: 'shop.consent', value: JSON.stringify(opts.consent) }] }] }
    : undefined;
  const context = await browser.newContext({ viewport: opts.viewport || { width: 1280, height: 800 }, storageState });
  context.setDefaultTimeout(WAIT);
  context.setDefaultNavigationTimeout(WAIT);
  await context.addInitScript(instrument, {
    gpc: !!opts.gpc, tcf: opts.tcf || null, config: opts.config || null, signals: opts.signals || null, layout: !!opts.layout,
  });
  const errors = [], dialogs = [], warnings = [];
  const watch = (page) => {
    page.on('pageerror', (e) => errors.push(String(e && e.stack || e)));
    page.on('console', (m) => { if (m.type() === 'warning' && m.text().startsWith('xsell:')) warnings.push(m.text()); });
    page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  };
  context.on('page', watch);
  const open = async (p) => {
    const page = await context.newPage();
    await page.goto(base + p, { waitUntil: 'domcontentloaded' });
    await ready(page);
    return page;
  };
  return { context, open, errors, dialogs, warnings, close: () => context.close().catch(() => {}) };
}

/** Waits until xsell's `ready` settled (pack loaded and first slots decided, or failed). */
export async function ready(page) {
  await page.waitForFunction(() => window.xsell && window.xsell.version, null, { timeout: WAIT });
  const r = await page.evaluate((ms) => Promise.race([
    window.xsell.ready,
    new Promise((resolve) => setTimeout(() => resolve({ ok: false, code: 'test_timeout' }), ms)),
  ]), WAIT);
  return r;
}

/** Navigates (or reloads) and waits for xsell to be ready. */
export async function goto(page, url) {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return ready(page);
}
export async function reload(page) {
  await page.reload({ waitUntil: 'domcontentloaded' });
  return ready(page);
}

/** The xsell events recorded in this page so far. */
export const events = (page, type) =>
  page.evaluate((t) => window.__t.events.filter((e) => !t || e.type === t), type || null);

/** Every access to an xsell.* storage key in this page so far ("local.getItem(xsell.ledger)", …). */
export const storageAccess = (page) => page.evaluate(() => window.__t.storage);

/** The first slot: its state, card text, because, title. */
export function slot(page, sel = '[data-xsell-slot]') {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    const card = el.querySelector('.xsell-card');
    const text = (c) => { const n = card && card.querySelector(c); return n ? n.textContent : null; };
    return {
      state: el.getAttribute('data-xsell-state'),
      children: el.childElementCount,
      card: !!card,
      title: text('.xsell-title'),
      because: text('.xsell-because'),
      benefit: text('.xsell-benefit'),
      price: text('.xsell-now'),
      text: el.textContent,
      done: (el.querySelector('.xsell-done') || {}).textContent || null,
    };
  }, sel);
}

/** The ?xsell-debug text for the first slot (null without one). */
export const debugText = (page) =>
  page.evaluate(() => { const p = document.querySelector('pre.xsell-debug'); return p ? p.textContent : null; });

/** Every storage key xsell owns: localStorage and sessionStorage keys starting "xsell.". */
export const xsellKeys = (page) => page.evaluate(() => ({
  local: Object.keys(localStorage).filter((k) => k.startsWith('xsell.')).sort(),
  session: Object.keys(sessionStorage).filter((k) => k.startsWith('xsell.')).sort(),
}));

/** Runs `f` with a fresh shopper and always closes the context. */
export async function withShopper(browser, base, opts, f) {
  const s = await newShopper(browser, base, opts);
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}
