// xsell at the edge: the worker itself, `makeWorker(module)` around the engine's compiled
// WebAssembly.Module. js/edge.js is the main module for workerd (it imports the .wasm); other
// runtimes with Request/Response/fetch (Deno) call makeWorker with a module they compiled.
//
//   GET  /xsell/decide?placement=product&product=SKU&cart=SKU:1,SKU2  -> the decision JSON
//   POST /xsell/decide  (body: the signals object, as the browser's Engine.decide takes it)
//   POST /xsell/record  (body: { kind: "accepted" | "dismissed", offer, placement }) -> { ok }
//   GET  /xsell/status  -> the pack in use and why the newest load failed, if it did
//   any other path, with XSELL_ORIGIN set: proxied to the origin, an HTML page with each
//   [data-xsell-slot] filled
//
// Configuration (worker bindings; docs/edge.md): XSELL_KEYS (trusted public keys, required),
// the signed pack from XSELL_PACK (a text or data binding), XSELL_PACK_ASSET (a path served by
// the ASSETS binding) or XSELL_PACK_URL (fetched), XSELL_PACK_TTL (seconds between refreshes,
// default 300), XSELL_COOKIE_SECRET (HMAC key for the ledger cookie; without it no cookie),
// XSELL_AUDIENCE (host name checked against the pack's audience; default the request's),
// XSELL_PREVIEW=1 (lets `now` come from the query: previews and tests, never production).
//
// The module is instantiated synchronously once per isolate (edge runtimes do not compile wasm
// from bytes at run time) and the pack is verified and loaded once, then refreshed on schedule.
// A failed load never replaces the last good pack and is never cached: the next request tries
// again. Everything the engine does for one request runs in one synchronous block, so requests
// interleaving at an `await` never see each other's ledger or consent.

import { initSync, Engine, newId } from './xsell_core.js';

/** Ledger cookie (HMAC-signed), session cookie, and the consent cookie the site may set. */
export const LEDGER_COOKIE = 'xsell_l';
export const SESSION_COOKIE = 'xsell_s';
export const CONSENT_COOKIE = 'xsell_consent';
/** Version of the ledger cookie's value, `1.<ledger text>.<base64url HMAC-SHA256 of what precedes>`.
 * The ledger's stored text (`xl1.` base64 and a checksum) is already cookie-safe. */
const COOKIE_VERSION = '1';
/** Longest ledger text put in the cookie (bytes, before base64url): under 4 KB with the MAC. */
export const MAX_LEDGER_BYTES = 2800;
/** How long the ledger cookie lives (seconds): caps count a week, lifecycle offers longer. */
const LEDGER_MAX_AGE = 90 * 24 * 3600;
/** A source that failed is asked again at most this often (or each TTL, if shorter) while a good
 * pack is in use (ms). */
const RETRY_MS = 10_000;

const enc = new TextEncoder();

/** A worker (`{ fetch(request, env, ctx) }`) around a compiled `WebAssembly.Module` of the engine. */
export function makeWorker(module) {
  const t0 = performance.now();
  const exports = initSync({ module });
  // The isolate's cold start, in ms (reported by /xsell/status): instantiating the module, the
  // first good pack's load (verify, parse, compile; its fetch is not counted) and the first
  // decision. Inside workerd the clock advances while code runs, so these are real.
  const cold = { instantiateMs: performance.now() - t0, loadMs: null, firstDecideMs: null };
  const state = { engine: null, info: null, error: null, loadedAt: 0, triedAt: 0, pending: null };
  const macKeys = new Map(); // secret -> CryptoKey

  async function packBytes(env) {
    if (env.XSELL_PACK != null) {
      return typeof env.XSELL_PACK === 'string' ? enc.encode(env.XSELL_PACK) : new Uint8Array(env.XSELL_PACK);
    }
    let res;
    if (env.XSELL_PACK_ASSET && env.ASSETS) res = await env.ASSETS.fetch(new URL(env.XSELL_PACK_ASSET, 'https://assets.invalid/'));
    else if (env.XSELL_PACK_URL) res = await fetch(env.XSELL_PACK_URL);
    else throw failure('config', 'set XSELL_PACK, XSELL_PACK_ASSET (with an ASSETS binding) or XSELL_PACK_URL');
    if (!res.ok) throw failure('fetch_failed', `pack source answered HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  // Loads the pack from its source into the isolate's engine; concurrent callers share one try.
  function refresh(env, host) {
    state.pending ??= (async () => {
      state.triedAt = Date.now();
      try {
        if (!env.XSELL_KEYS) throw failure('config', 'XSELL_KEYS (the trusted public keys) is not set');
        const bytes = await packBytes(env);
        state.engine ??= Engine.hosted();
        const t = performance.now();
        const r = state.engine.load(bytes, { keys: String(env.XSELL_KEYS), now: Date.now() / 1000, audience: env.XSELL_AUDIENCE || host, skewSecs: skew(env) });
        if (!r.ok) throw failure(r.code, r.message);
        cold.loadMs ??= performance.now() - t;
        state.info = { packId: r.packId, version: r.version, keyId: r.keyId, expiresAt: r.expiresAt };
        state.error = null;
        state.loadedAt = Date.now();
      } catch (x) {
        state.error = isFailure(x) ? x : failure('pack_unavailable', String(x?.message ?? x));
      } finally {
        state.pending = null;
      }
    })();
    return state.pending;
  }

  // Whether the pack in use has expired since it loaded (an isolate can outlive a pack): by
  // the same rule as loading, `now - skew >= expiresAt`.
  const expired = (env) => !!state.info && Date.now() / 1000 - skew(env) >= state.info.expiresAt;
  const usable = (env) => !!state.engine?.ready && !expired(env);

  // The engine with a good pack, loading or refreshing it as its schedule says; null if none.
  async function ready(env, ctx, host) {
    const ttl = 1000 * (Number(env.XSELL_PACK_TTL) > 0 ? Number(env.XSELL_PACK_TTL) : 300);
    const now = Date.now();
    if (!usable(env)) {
      await refresh(env, host);
      if (expired(env)) state.error ??= failure('expired', `pack ${state.info.packId} v${state.info.version} has expired and no newer one loaded`);
    } else if (now - state.loadedAt >= ttl && (!state.error || now - state.triedAt >= Math.min(ttl, RETRY_MS))) {
      // Served with the pack in hand; the new one is used once it has verified.
      const p = refresh(env, host);
      ctx?.waitUntil?.(p);
    }
    return usable(env) ? state.engine : null;
  }

  async function macKey(secret) {
    let k = macKeys.get(secret);
    if (!k) {
      k = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
      macKeys.set(secret, k);
    }
    return k;
  }

  // The ledger text in a signed cookie value, or null for a missing, malformed or forged one.
  async function openLedger(value, secret) {
    const m = /^([0-9]+)\.([A-Za-z0-9+/=._-]+)\.([A-Za-z0-9_-]{43})$/.exec(value || '');
    if (!m || m[1] !== COOKIE_VERSION) return null;
    const mac = fromB64url(m[3]);
    const ok = mac && (await crypto.subtle.verify('HMAC', await macKey(secret), mac, enc.encode(`${m[1]}.${m[2]}`)));
    return ok ? m[2] : null;
  }

  async function sealLedger(text, secret) {
    const body = `${COOKIE_VERSION}.${text}`;
    const mac = await crypto.subtle.sign('HMAC', await macKey(secret), enc.encode(body));
    return `${body}.${toB64url(new Uint8Array(mac))}`;
  }

  // One shopper's request. What it says is read first, asynchronously (the ledger cookie's MAC
  // is WebCrypto); then `within(engine, f)` runs `f` with the engine set to this shopper's
  // consent and ledger, in one synchronous block, and clears the ledger after; then
  // `store(headers)` writes what is to be kept.
  async function visit(request, env, url) {
    const cookies = parseCookies(request.headers.get('Cookie'));
    const secret = env.XSELL_COOKIE_SECRET ? String(env.XSELL_COOKIE_SECRET) : '';
    const stored = secret && cookies[LEDGER_COOKIE] != null ? await openLedger(cookies[LEDGER_COOKIE], secret) : null;
    const forged = cookies[LEDGER_COOKIE] != null && stored == null;
    const country = request.cf?.country || request.headers.get('CF-IPCountry') || undefined;
    let now = Date.now() / 1000;
    if (env.XSELL_PREVIEW === '1' && url.searchParams.has('now')) {
      const t = Date.parse(url.searchParams.get('now'));
      if (Number.isFinite(t)) now = t / 1000;
    }
    // `text`: the shopper's ledger as it stands (the cookie's, then after each `within`).
    let entered = false, keep = false, reset = false, sid = '', newSession = false, text = stored;
    return {
      now,
      country,
      /** `f(sid, shown)`: `sid` the session id, `shown(offerId, placement, session = sid)`
       * records an offer as shown (with storage consent; else nothing is kept anyway). May run more than once (a slot each); each run starts from the ledger as the
       * last one left it, so interleaving requests never mix. */
      within(engine, f) {
        const effective = engine.setConsent(consentFrom(request, cookies, engine, country));
        keep = !!(effective.ok !== false && effective.storage && secret);
        const set = engine.setLedger(keep ? text ?? undefined : undefined);
        if (!entered) {
          entered = true;
          reset = forged || set?.ok === false;
          sid = keep && /^[0-9a-f]{32}$/.test(cookies[SESSION_COOKIE] || '') ? cookies[SESSION_COOKIE] : '';
          newSession = keep && !sid;
          sid ||= newId();
        }
        const shown = (offer, placement, session = sid) => {
          if (keep && offer) engine.record({ kind: 'shown', offer, placement, session }, now);
        };
        try {
          return f(sid, shown);
        } finally {
          text = keep ? engine.ledgerText(MAX_LEDGER_BYTES) : null;
          engine.setLedger(undefined); // nothing of this shopper stays in the isolate
        }
      },
      async store(headers) {
        if (!entered) return;
        const secure = url.protocol === 'https:' ? '; Secure' : '';
        if (keep) {
          headers.append('Set-Cookie', `${LEDGER_COOKIE}=${await sealLedger(text, secret)}; Path=/; Max-Age=${LEDGER_MAX_AGE}; HttpOnly; SameSite=Lax${secure}`);
          if (newSession) headers.append('Set-Cookie', `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax${secure}`);
        } else {
          // No storage consent (or no secret): nothing stored, and what an earlier visit stored goes.
          for (const name of [LEDGER_COOKIE, SESSION_COOKIE]) {
            if (cookies[name] != null) headers.append('Set-Cookie', `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`);
          }
        }
        if (reset) headers.set('X-Xsell-Ledger', 'reset');
        headers.set('Cache-Control', 'private, no-store');
        headers.append('Vary', 'Cookie, Sec-GPC');
      },
    };
  }

  async function decideRoute(request, env, ctx, url) {
    let signals;
    try {
      signals = request.method === 'POST' ? await request.json() : signalsFrom(url.searchParams);
    } catch (x) {
      return json(400, { ok: false, code: 'bad_signals', message: `signals: ${x?.message ?? x}` });
    }
    if (!signals || typeof signals !== 'object' || Array.isArray(signals)) {
      return json(400, { ok: false, code: 'bad_signals', message: 'signals must be a JSON object' });
    }
    const engine = await ready(env, ctx, url.hostname);
    if (!engine) return json(503, { ok: false, ...(state.error ?? failure('pack_unavailable', 'no pack loaded')) });
    const v = await visit(request, env, url);
    const decision = v.within(engine, (sid, shown) => {
      if (signals.session == null || typeof signals.session === 'object') signals.session = { ...signals.session, id: signals.session?.id ?? sid };
      if (v.country && signals.geo == null) signals.geo = { country: v.country };
      const t = performance.now();
      const d = engine.decide(signals, v.now);
      cold.firstDecideMs ??= performance.now() - t;
      if (d.ok !== false && d.outcome === 'offer') shown(d.offer?.id, d.placement, signals.session.id);
      return d;
    });
    if (decision.ok === false) return json(400, decision);
    const headers = new Headers();
    await v.store(headers);
    return json(200, decision, headers);
  }

  // What the shopper did with a card the edge rendered (the drop-in script posts it): Add or
  // No thanks, into the ledger cookie, so cooldowns and sequences count it at the edge.
  async function recordRoute(request, env, ctx, url) {
    let ev;
    try {
      ev = await request.json();
    } catch (x) {
      return json(400, { ok: false, code: 'bad_event', message: `event: ${x?.message ?? x}` });
    }
    if (!ev || typeof ev !== 'object' || !['accepted', 'dismissed'].includes(ev.kind) || typeof ev.offer !== 'string') {
      return json(400, { ok: false, code: 'bad_event', message: 'an event is { kind: "accepted" | "dismissed", offer, placement }' });
    }
    const engine = await ready(env, ctx, url.hostname);
    if (!engine) return json(503, { ok: false, ...(state.error ?? failure('pack_unavailable', 'no pack loaded')) });
    const v = await visit(request, env, url);
    const r = v.within(engine, (sid) => engine.record({ kind: ev.kind, offer: ev.offer, placement: String(ev.placement ?? ''), session: sid }, v.now));
    if (r.ok === false) return json(400, r);
    const headers = new Headers();
    await v.store(headers);
    return json(200, { ok: true }, headers);
  }

  // HTML mode: a page from XSELL_ORIGIN with each [data-xsell-slot] filled, in one pass of
  // HTMLRewriter whose output is read whole (the ledger cookie, known only once every slot is
  // decided, goes in the headers). Each slot is one synchronous block with the engine. On any
  // failure the origin's response goes out untouched.
  async function pageRoute(request, env, ctx, url) {
    const origin = await fetch(new Request(new URL(url.pathname + url.search, env.XSELL_ORIGIN), request));
    if (request.method !== 'GET' || !origin.ok || !/^text\/html/i.test(origin.headers.get('Content-Type') || '') || typeof HTMLRewriter !== 'function') {
      return origin;
    }
    const body = await origin.arrayBuffer();
    const untouched = () => new Response(body, origin);
    try {
      const engine = await ready(env, ctx, url.hostname);
      if (!engine) return untouched();
      const v = await visit(request, env, url);
      let filled = 0;
      const out = await new HTMLRewriter()
        .on('[data-xsell-slot]', {
          element(el) {
            const page = {};
            for (const [attr, key] of [['data-product', 'product'], ['data-category', 'category']]) {
              const a = el.getAttribute(attr);
              if (a) page[key] = a;
            }
            const card = v.within(engine, (sid, shown) => {
              const signals = { placement: el.getAttribute('data-xsell-slot') || '', page, session: { id: sid }, ...(v.country && { geo: { country: v.country } }) };
              const t = performance.now();
              const r = engine.decideHtml(signals, v.now);
              cold.firstDecideMs ??= performance.now() - t;
              if (!r || r.ok === false || !r.html) return null;
              shown(r.offer, r.placement);
              return r;
            });
            if (!card) return;
            el.setInnerContent(card.html, { html: true });
            el.setAttribute('data-xsell-state', 'offer');
            el.setAttribute('data-xsell-edge', card.id);
            filled++;
          },
        })
        .transform(new Response(body, origin))
        .arrayBuffer();
      if (!filled) return untouched();
      const headers = new Headers(origin.headers);
      headers.delete('Content-Length');
      headers.delete('ETag');
      await v.store(headers);
      return new Response(out, { status: origin.status, statusText: origin.statusText, headers });
    } catch {
      return untouched();
    }
  }

  return {
    // A cron trigger (wrangler.toml [triggers]) refreshes the pack off the request path.
    async scheduled(_event, env = {}, ctx) {
      const p = refresh(env, env.XSELL_AUDIENCE || '');
      ctx?.waitUntil?.(p);
      await p;
    },
    async fetch(request, env = {}, ctx) {
      try {
        const url = new URL(request.url);
        if (url.pathname === '/xsell/decide') {
          if (request.method !== 'GET' && request.method !== 'POST') return json(405, { ok: false, code: 'method', message: 'GET or POST' });
          return await decideRoute(request, env, ctx, url);
        }
        if (url.pathname === '/xsell/record') {
          if (request.method !== 'POST') return json(405, { ok: false, code: 'method', message: 'POST' });
          return await recordRoute(request, env, ctx, url);
        }
        if (url.pathname === '/xsell/status') {
          await ready(env, ctx, url.hostname);
          // `memory`: the engine's linear memory in bytes (it only grows: a leak would show here).
          const memory = exports?.memory?.buffer?.byteLength ?? null;
          return json(usable(env) ? 200 : 503, { ok: usable(env), pack: state.info, error: state.error, memory, cold });
        }
        // Everything else is the origin's (the script and the pack under /xsell/ too).
        if (env.XSELL_ORIGIN) return await pageRoute(request, env, ctx, url);
        return json(404, { ok: false, code: 'not_found', message: `${url.pathname}: not an xsell route` });
      } catch (x) {
        // A bug or a trap: a typed answer, never an exception out of the worker.
        return json(500, { ok: false, code: 'internal', message: String(x?.message ?? x) });
      }
    },
  };
}

// ---- helpers -------------------------------------------------------------------------------

/** Allowed clock skew for the pack's validity, seconds (XSELL_CLOCK_SKEW; the engine's 300). */
function skew(env) {
  const s = Number(env.XSELL_CLOCK_SKEW);
  return env.XSELL_CLOCK_SKEW != null && Number.isFinite(s) && s >= 0 ? s : 300;
}

function failure(code, message) {
  return { code, message };
}
function isFailure(x) {
  return x && typeof x.code === 'string' && typeof x.message === 'string';
}

function json(status, body, headers = new Headers()) {
  headers.set('Content-Type', 'application/json; charset=utf-8');
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  return new Response(JSON.stringify(body), { status, headers });
}

/** Signals from a query: `signals` (a JSON object) plus shorthands placement, product,
 * category, dwell, cart (`SKU:qty,SKU`), device and country, which override it. */
export function signalsFrom(q) {
  const s = q.has('signals') ? JSON.parse(q.get('signals')) : {};
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw new Error('`signals` must be a JSON object');
  if (q.has('placement')) s.placement = q.get('placement');
  const page = { ...s.page };
  if (q.has('product')) page.product = q.get('product');
  if (q.has('category')) page.category = q.get('category');
  if (q.has('dwell')) page.dwell_seconds = Number(q.get('dwell'));
  if (Object.keys(page).length) s.page = page;
  if (q.has('cart')) {
    s.cart = {
      items: q.get('cart').split(',').filter(Boolean).map((x) => {
        const i = x.lastIndexOf(':');
        return i > 0 ? { sku: x.slice(0, i), qty: Number(x.slice(i + 1)) } : { sku: x };
      }),
    };
  }
  if (q.has('device')) s.device = q.get('device');
  if (q.has('country')) s.geo = { ...s.geo, country: q.get('country') };
  return s;
}

/** Consent: `Sec-GPC: 1`, else the site's `xsell_consent` cookie (`all`, `none`, or a comma
 * list of storage, personalization, measurement), else the pack's default for the country. */
export function consentFrom(request, cookies, engine, country) {
  const gpc = request.headers.get('Sec-GPC') === '1';
  const raw = cookies[CONSENT_COOKIE];
  if (raw != null) {
    const v = decodeURIComponent(raw).toLowerCase();
    const set = new Set(v === 'all' ? ['storage', 'personalization', 'measurement'] : v.split(/[,\s]+/));
    return { storage: set.has('storage'), personalization: set.has('personalization'), measurement: set.has('measurement'), gpc };
  }
  const d = engine.consentDefault(country);
  const base = d && d.ok !== false ? d : { storage: false, personalization: false, measurement: false };
  return { storage: !!base.storage, personalization: !!base.personalization, measurement: !!base.measurement, gpc };
}

export function parseCookies(header) {
  const out = {};
  for (const part of (header || '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (k && !(k in out)) out[k] = part.slice(i + 1).trim();
  }
  return out;
}

function toB64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
function fromB64url(s) {
  try {
    const b = atob(s.replaceAll('-', '+').replaceAll('_', '/'));
    return Uint8Array.from(b, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
