// xsell drop-in loader: one <script type="module"> per page, one card per reserved slot.
// Public API: docs/script-api.md; DOM events: docs/events.md; types: js/xsell.d.ts.
// Rules this file keeps: never throw into the host page (every entry point is guarded, every
// promise caught); build the DOM with createElement/textContent only; touch localStorage only
// through the engine; render only inside [data-xsell-slot] and never swap a card on screen.

const V = '0.1.0';
const w = window, d = document, nav = navigator;
const SK = 'xsell.session'; // sessionStorage key (with storage consent only)
const FALLBACK_DWELL = [15, 30, 60];
const CMP_WAIT = 500; // ms a CMP (window.__tcfapi) gets to answer before the first decision

const now = () => Date.now() / 1000;
const obj = (x) => !!x && typeof x == 'object' && !Array.isArray(x);
const isS = (x) => typeof x == 'string';
const T = { s: isS, n: (x) => typeof x == 'number' && isFinite(x), b: (x) => typeof x == 'boolean', a: (x) => Array.isArray(x) && x.every(isS) };
// Copies the fields of `spec` ("name:type …") that have the right type; drops everything else,
// so a host's extra fields never make the engine refuse the signals.
const pick = (o, spec) => {
  const r = {};
  if (obj(o)) for (const f of spec.split(' ')) {
    const [k, t] = f.split(':');
    if (T[t](o[k])) r[k] = o[k];
  }
  return r;
};
const copy = (x) => (Array.isArray(x) ? x.map(copy) : obj(x) ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, copy(v)])) : x);
const el = (tag, cls, text, parent) => {
  const e = d.createElement(tag);
  if (cls) e.className = 'xsell-' + cls;
  if (text != null) e.textContent = text;
  if (parent) parent.append(e);
  return e;
};
const emit = (t, type, detail, cancelable) =>
  t.dispatchEvent(new CustomEvent('xsell:' + type, { detail, bubbles: true, composed: true, cancelable: !!cancelable }));
// https: or same-origin root-relative (/x, not //x); nothing with spaces, controls or backslashes.
const safeUrl = (u) => (isS(u) && /^(https:\/\/|\/(?!\/))/i.test(u) && !/[\s\\\0-\x1f\x7f]/.test(u) ? u : 0);
const slots = () => [...d.querySelectorAll('[data-xsell-slot]')];
const mark = (s, v) => s.setAttribute('data-xsell-state', v);
const DEBUG = /[?&]xsell-debug(?:[=&]|$)/.test(location.search);

// ---- state -------------------------------------------------------------------------------
let e, info, dead, booted, timer, styled, buy;
let cfg = {};
const ctx = { page: {} }; // what the host told us (commands)
const L = { no: 'No thanks', added: 'Added:', save: 'Save', label: 'Suggested add-on' };
let consent = null, csrc = ''; // '' unknown, 'default' (pack), 'tcf', 'host'
const warned = {}, hist = [];
const S = new WeakMap(); // slot element -> { card, d: decision, done, dbg, acted }
let ses = { id: '', n: 1, c: [] }, adopted;

// ---- failures ----------------------------------------------------------------------------
function fail(code, message, s) {
  message = String(message);
  if (!warned[code]) {
    warned[code] = 1;
    console.warn(`xsell: ${code}: ${message}`);
  }
  const det = { code, message };
  for (const t of s ? [s] : [...slots(), d]) {
    if (t != d) {
      mark(t, 'error');
      debugText(t, [`xsell ${V} debug: ${code}: ${message}`]);
    }
    emit(t, 'error', t == d ? det : { ...det, placement: t.dataset.xsellSlot });
  }
}
function die(code, message) {
  if (dead) return;
  dead = err(code, String(message));
  clearTimeout(timer);
  for (const s of slots()) clear(s, 1);
  fail(code, message);
}
const msg = (x) => (x && x.message) || String(x);
// Every entry point the host or the browser calls goes through guard: nothing escapes.
const guard = (f) => (...a) => {
  try {
    return f(...a);
  } catch (x) {
    die('internal', msg(x));
  }
};
// Every engine call: the methods return values, but wasm can still trap.
const call = (f) => {
  if (!dead && e) try {
    return f(e);
  } catch (x) {
    die('wasm_trap', msg(x));
  }
};
const err = (code, message) => ({ code, message });

// ---- consent -----------------------------------------------------------------------------
const gpc = () => nav.globalPrivacyControl === true;
const cons = () => {
  const c = consent || {};
  return { storage: !!c.storage, personalization: !!c.personalization, measurement: !!c.measurement, gpc: gpc() };
};
const eff = () => {
  const c = cons();
  return { storage: c.storage && !c.gpc, personalization: c.personalization && !c.gpc, measurement: c.measurement && !c.gpc, gpc: c.gpc };
};

function apply(c, src) {
  if (!obj(c) || (src == 'default' && csrc && csrc != 'default')) return;
  const was = eff();
  consent = pick(c, 'storage:b personalization:b measurement:b');
  csrc = src;
  const is = eff();
  if (!e || dead) return;
  const r = call((e) => e.setConsent(cons()));
  // Storage consent switches the engine to localStorage in place: it reads the stored ledger
  // (caps, high-water mark; a rollback is refused) and drops what it kept in memory for the
  // page, and this page's events are replayed into the stored ledger in the tab's session.
  if (is.storage && !was.storage) {
    if (r && r.ok === false) return die(r.code, r.message);
    sesAdopt();
    replay();
    if (booted) call((e) => e.flush?.());
  }
  // Withdrawn: storage deletes every key xsell stored and takes every card down; personalization
  // takes down the cards that were chosen with it. Those slots stay empty for this page view.
  const gone = was.storage && !is.storage, unp = was.personalization && !is.personalization;
  if (gone) forget();
  for (const s of slots()) {
    const st = state(s);
    if (st.card && (gone || (unp && st.d && st.d.personalized))) clear(s, 1);
  }
  redecide();
}

function forget() {
  call((e) => e.forget());
  try { sessionStorage.removeItem(SK); } catch (x) {}
}

// Listens to a TCF v2 CMP, if the page has one. Returns a promise that settles at the CMP's first
// callback (a stored choice comes as tcloaded, a shopper still being asked as cmpuishown) or after
// CMP_WAIT ms, so the first decision can wait for a CMP that answers asynchronously; undefined
// without a CMP.
function tcf() {
  if (typeof w.__tcfapi == 'function') return new Promise((f) => {
    setTimeout(f, CMP_WAIT);
    try {
      w.__tcfapi('addEventListener', 2, guard((t, ok) => {
        f();
        if (!ok || !t || t.gdprApplies === false || !/^(tcloaded|useractioncomplete)$/.test(t.eventStatus)) return;
        const p = (t.purpose && t.purpose.consents) || {};
        apply({ storage: !!p[1], personalization: !!(p[3] && p[4]), measurement: !!(p[7] || p[8] || p[9]) }, 'tcf');
      }));
    } catch (x) {
      f();
    }
  });
}

function country() {
  if (ctx.country) return ctx.country;
  try { return new Intl.Locale(nav.language).region || null; } catch (x) { return null; }
}

// ---- session counters (sessionStorage with storage consent, else memory) -----------------
function sesSave() {
  if (adopted && eff().storage) try { sessionStorage.setItem(SK, JSON.stringify(ses)); } catch (x) {}
}
function sesAdopt() {
  if (adopted) return sesSave();
  adopted = 1;
  try {
    const o = JSON.parse(sessionStorage.getItem(SK));
    if (obj(o) && /^[0-9a-f]{8,64}$/.test(o.id) && o.n >= 0 && o.n < 1e6 && T.a(o.c))
      ses = { id: o.id, n: (o.n | 0) + 1, c: [...new Set([...o.c.slice(0, 32), ...ses.c])].slice(0, 32) };
  } catch (x) {}
  sesSave();
}
function viewed(c) {
  if (isS(c) && c && !ses.c.includes(c) && ses.c.length < 32) ses.c.push(c), sesSave();
}

// ---- dwell (Page Visibility: counts only while visible) ----------------------------------
let acc = 0, since = d.visibilityState == 'visible' ? 0 : null;
const dwell = () => Math.floor((acc + (since == null ? 0 : performance.now() - since)) / 100) / 10;
d.addEventListener('visibilitychange', guard(() => {
  const t = performance.now();
  if (d.visibilityState == 'visible') since == null && (since = t);
  else if (since != null) (acc += t - since), (since = null);
  arm();
}));
// Waits for the next dwell threshold a pack condition uses, then decides for empty slots.
function arm() {
  clearTimeout(timer);
  if (since == null || !booted || dead) return;
  const th = call((e) => (typeof e.dwellThresholds == 'function' ? e.dwellThresholds() : FALLBACK_DWELL));
  const t = dwell(), next = th && Array.from(th).find((x) => x > t);
  if (next) timer = setTimeout(guard(() => (redecide(), arm())), (next - t) * 1000 + 50);
}

// ---- signals -----------------------------------------------------------------------------
function device() {
  // The smaller of the layout viewport and the screen: a page without a viewport meta still
  // lays out at 980 px on a phone.
  const wd = Math.min(w.innerWidth, screen.width || 1e4), coarse = w.matchMedia && matchMedia('(pointer: coarse)').matches;
  return wd < 600 ? 'mobile' : coarse && wd < 1200 ? 'tablet' : 'desktop';
}
function signals(s) {
  const t = new Date(), ds = s.dataset;
  const page = { ...pick(ctx.page, 'product:s category:s'), dwell_seconds: dwell() };
  if (ds.product) page.product = ds.product;
  if (ds.category) page.category = ds.category;
  viewed(page.category);
  const g = {
    placement: ds.xsellSlot,
    page,
    // Experiments assign by the visitor id (kept only with storage consent, else this page's);
    // a pack without experiments gets none, so no id is made for it.
    session: { id: ses.id, visitor: call((e) => (e.experiments ? e.visitorId() : undefined)), pages_viewed: ses.n, viewed_categories: ses.c },
    device: device(),
    time: { local_hour: t.getHours(), weekday: t.getDay() || 7 },
  };
  if (ctx.cart) g.cart = { items: ctx.cart };
  if (ctx.country) g.geo = { country: ctx.country };
  if (ctx.customer) g.customer = ctx.customer;
  if (ctx.answers) g.answers = ctx.answers;
  if (ctx.motivation) g.motivation = ctx.motivation;
  if (buy) g.lifecycle = { purchased: buy, purchased_at: ctx.at };
  // The host's own signals (lifecycle, stock, …) win, merged one level deep.
  for (const [k, v] of Object.entries(ctx.signals || {})) g[k] = obj(v) && obj(g[k]) ? { ...g[k], ...v } : v;
  return g;
}

// ---- host commands -----------------------------------------------------------------------
const run = guard((c) => {
  if (!Array.isArray(c) || !isS(c[0])) return fail('bad_command', 'a command is ["name", value]', d);
  const [k, a] = c;
  if (k == 'config') return obj(a) && (cfg = { ...cfg, ...pick(a, 'pack:s keys:s endpoint:s') });
  if (k == 'consent') return apply(a, 'host');
  if (k == 'labels') return Object.assign(L, pick(a, 'no:s added:s save:s label:s'));
  if (k == 'cart') {
    const items = (Array.isArray(a) ? a : (obj(a) && a.items) || []).map((x) => {
      const o = isS(x) ? { sku: x } : pick(x, 'sku:s qty:n');
      if (o.qty != null) o.qty >= 0 && o.qty < 1e9 ? (o.qty = Math.floor(o.qty)) : delete o.qty;
      return o;
    }).filter((o) => o.sku);
    if (JSON.stringify(items) == JSON.stringify(ctx.cart || [])) return;
    ctx.cart = items;
  } else if (k == 'customer') ctx.customer = pick(a, 'segment:s tenure_days:n first_purchase:b order_count:n category_mix:a');
  else if (k == 'answers') {
    ctx.answers = { ...ctx.answers };
    if (obj(a)) for (const [n, v] of Object.entries(a)) if (T.s(v) || T.n(v) || T.b(v)) ctx.answers[n] = v;
  } else if (k == 'motivation') ctx.motivation = /^(save_time|reduce_risk|enhance_results)$/.test(a) ? a : undefined;
  else if (k == 'page') ctx.page = pick(a, 'product:s category:s');
  else if (k == 'context') ctx.country = obj(a) && T.s(a.country) ? a.country.toUpperCase() : undefined;
  else if (k == 'purchase') {
    if (!obj(a) || !T.a(a.skus)) return fail('bad_command', 'purchase needs { skus: [...] }', d);
    let at = T.n(a.at) ? a.at : now();
    if (at > 1e11) at /= 1000; // milliseconds given
    buy = a.skus.slice(0, 16);
    ctx.at = Math.floor(at);
    rec('purchased', { skus: buy });
  } else if (k == 'signals') ctx.signals = obj(a) ? a : undefined;
  else return fail('bad_command', 'unknown command ' + k, d);
  redecide();
});

// ---- decisions and cards -----------------------------------------------------------------
// Records an event in the engine's ledger, and keeps it to replay into the stored ledger when
// storage consent comes later (see apply).
function rec(kind, ev) {
  const t = now();
  if (hist.length < 64) hist.push([kind, ev, t]);
  put(kind, ev, t);
}
// Card events (they name an offer) count in the session in force when they are recorded or
// replayed: once storage consent adopted the tab's stored session, the page's earlier events
// count in that session instead of resetting the stored ledger's session counters.
const put = (kind, ev, t) => call((e) => e.record({ kind, ...ev, ...(ev.offer && { session: ses.id }) }, t));
const replay = () => hist.forEach((h) => put(...h));
function redecide() {
  if (booted && !dead) for (const s of slots()) decideSlot(s);
}
function state(s) {
  let st = S.get(s);
  if (!st) S.set(s, (st = {}));
  return st;
}
// Removes the card (and a confirmation); `done` keeps the slot empty for this page view.
function clear(s, done) {
  const st = state(s);
  if (st.card) st.card.remove(), (st.card = 0), mark(s, 'empty');
  if (done) st.done = 1;
}

function decideSlot(s) {
  const st = state(s);
  if (st.card || st.done || dead) return; // never swap an offer the shopper is looking at
  if (s.hasAttribute('data-xsell-edge')) return adopt(s, st);
  const g = signals(s);
  const r = call((e) => e.decide(g, now()));
  if (!r) return;
  if (!r.ok) return fail(r.code || 'decide_failed', r.message, s);
  st.d = r;
  if (DEBUG) debug(s, r, g);
  if (r.outcome == 'offer' && r.offer) render(s, st, r);
  else mark(s, 'empty');
}

function render(s, st, r) {
  css();
  const pl = s.dataset.xsellSlot;
  let o = r.offer, base;
  const c = el('aside', 'card');
  c.setAttribute('aria-label', L.label);
  const src = safeUrl(o.image);
  if (src) {
    const i = el('img', 'img', null, c);
    i.src = src;
    i.alt = '';
    i.width = i.height = 64;
    i.loading = 'lazy';
  }
  const b = el('div', 'body', null, c);
  const h = el('p', 'title', null, b), href = safeUrl(o.url);
  if (href) el('a', 0, o.title, h).href = href;
  else h.textContent = o.title;
  if (o.benefit) el('p', 'benefit', o.benefit, b);
  if (o.kind == 'bundle') el('p', 'items', o.items.map((i) => i.name).join(' + '), b);
  const p = el('p', 'price', null, b);
  el('span', 'now', o.price.display, p);
  if (o.savings) {
    if (o.regular_price) el('s', 'was', o.regular_price.display, p);
    el('span', 'save', `${L.save} ${o.savings.display}`, p);
  }
  el('p', 'because', o.because, b);
  const act = el('div', 'actions', null, b);
  const add = el('button', 'add', o.cta || 'Add', act), no = el('button', 'no', L.no, act);
  add.type = no.type = 'button';
  const ev = { offer: o.id, placement: pl };
  wire(s, st, c, ev, () => base, () => ({ ...base, kind: o.kind, skus: o.items.map((i) => i.sku), price: o.price }), o.title);
  s.append(c);
  st.card = c;
  mark(s, 'offer');
  // The engine shares frozen parts between identical decisions: the events get their own copy,
  // made once the card is on screen.
  r = copy(r);
  o = r.offer;
  base = { decisionId: r.id, offerId: o.id, placement: pl, offer: o };
  if (s.dataset.product || ctx.page.product) base.product = s.dataset.product || ctx.page.product;
  rec('shown', ev);
  emit(s, 'offer', { ...base, decision: r });
}

// The Add and No-thanks buttons of card `c` in slot `s`, built by render() or by the edge.
// `base()` is the events' detail, `accepted()` xsell:accept's; `edge` records at the edge too.
function wire(s, st, c, ev, base, accepted, title, edge) {
  const once = (f) => guard(() => {
    if (st.acted || st.card != c) return;
    st.acted = 1;
    f();
  });
  const done = (kind) => {
    rec(kind, ev);
    if (edge) fetch('/xsell/record', { method: 'POST', body: JSON.stringify({ kind, ...ev }), keepalive: true, credentials: 'same-origin' }).catch(() => {});
  };
  c.querySelector('.xsell-add')?.addEventListener('click', once(() => {
    done('accepted');
    const keep = emit(s, 'accept', accepted(), 1);
    clear(s, 1);
    if (keep) {
      st.card = el('p', 'done', `${L.added} ${title}`, s);
      st.card.setAttribute('role', 'status');
    }
    mark(s, 'accepted');
  }));
  c.querySelector('.xsell-no')?.addEventListener('click', once(() => {
    done('dismissed');
    clear(s, 1);
    mark(s, 'dismissed');
    emit(s, 'dismiss', base());
  }));
}

// A card the edge worker filled (data-xsell-edge, docs/edge.md): nothing is decided for the
// slot; its buttons are wired, and what the shopper does is recorded at the edge as well.
function adopt(s, st) {
  st.done = 1;
  const c = s.querySelector('.xsell-card');
  if (!c) return;
  css();
  st.card = c;
  const pl = s.dataset.xsellSlot, id = c.dataset.xsellOffer || '';
  const base = { decisionId: s.dataset.xsellEdge, offerId: id, placement: pl, edge: true };
  if (s.dataset.product) base.product = s.dataset.product;
  const skus = (c.dataset.xsellSkus || '').split(' ').filter(Boolean);
  wire(s, st, c, { offer: id, placement: pl }, () => base, () => ({ ...base, skus }), c.querySelector('.xsell-title')?.textContent || '', 1);
  emit(s, 'offer', base);
}

// ---- ?xsell-debug: the decision trace as text next to the slot ---------------------------
function debugText(s, lines) {
  if (!DEBUG) return;
  css();
  const st = state(s);
  if (!st.dbg) s.after((st.dbg = el('pre', 'debug')));
  st.dbg.textContent = lines.join('\n');
}
function debug(s, r, g) {
  let c = eff(), yn = (b) => (b ? 'yes' : 'no'), pr;
  const lines = [
    `xsell ${V} debug · ${r.placement} · decision ${r.id}`,
    `pack ${r.pack.id} v${r.pack.version} · outcome ${r.outcome} · stage ${r.stage || '-'} · personalized ${yn(r.personalized)}`,
    `consent (${csrc || 'unknown'}): storage ${yn(c.storage)} · personalization ${yn(c.personalization)} · measurement ${yn(c.measurement)} · gpc ${yn(c.gpc)}`,
    `storage: ${call((e) => e.persistent) ? 'localStorage' : 'memory only'}${(pr = call((e) => e.storageProblem())) ? ' · problem: ' + pr : ''}`,
  ];
  if (r.offer) lines.push(`winner ${r.offer.id} · score ${r.score} · because: ${r.offer.because}`, ...r.matched.map((m) => `  matched: ${m}`));
  lines.push(r.trace.length ? 'lost:' : 'no other candidates', ...r.trace.map((t) => `  ${t.offer}: ${t.reason} (${t.detail})`));
  lines.push('signals: ' + JSON.stringify(g));
  debugText(s, lines);
}

// ---- styles: one constructed sheet (or one <style>), every rule under .xsell-* -----------
const CSS = `.xsell-card{display:flex;gap:12px;box-sizing:border-box;max-width:100%;margin:0;padding:var(--xsell-pad,12px);border:1px solid var(--xsell-border,#d9d9de);border-radius:var(--xsell-radius,8px);background:var(--xsell-bg,#fff);color:var(--xsell-fg,#1d1d22);font:var(--xsell-size,14px)/1.4 var(--xsell-font,system-ui,sans-serif);text-align:start;contain:content}
.xsell-card p{margin:0 0 4px}.xsell-body{flex:1;min-width:0}
.xsell-img{flex:none;width:64px;height:64px;object-fit:cover;border-radius:calc(var(--xsell-radius,8px)/2)}
.xsell-title{font-weight:600}.xsell-title a{color:inherit}
.xsell-benefit,.xsell-items,.xsell-was{color:var(--xsell-muted,#5c5c66)}
.xsell-price{font-weight:600}.xsell-was{margin:0 6px;font-weight:400}.xsell-save{color:var(--xsell-save,#0a7d32)}
.xsell-because{font-style:italic}
.xsell-actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
.xsell-actions button{font:inherit;cursor:pointer;margin:0;padding:6px 14px;border:1px solid var(--xsell-accent,#2450d6);border-radius:var(--xsell-radius,8px)}
.xsell-add{background:var(--xsell-accent,#2450d6);color:var(--xsell-accent-fg,#fff)}
.xsell-no{background:transparent;color:var(--xsell-accent,#2450d6)}
.xsell-done{margin:0;padding:8px 0;color:var(--xsell-fg,#1d1d22);font:var(--xsell-size,14px)/1.4 var(--xsell-font,system-ui,sans-serif)}
.xsell-debug{white-space:pre-wrap;font:12px/1.4 ui-monospace,monospace;background:#fffbe6;color:#222;border:1px dashed #b80;padding:8px;margin:8px 0;max-height:24em;overflow:auto}`;
function css() {
  if (styled) return;
  styled = 1;
  try {
    const sh = new CSSStyleSheet();
    sh.replaceSync(CSS);
    d.adoptedStyleSheets = [...d.adoptedStyleSheets, sh];
  } catch (x) {
    const st = el('style');
    if (cfg.nonce) st.nonce = cfg.nonce;
    st.textContent = CSS;
    d.head.append(st);
  }
}

// ---- boot --------------------------------------------------------------------------------
// The engine's module, fetched and compiled from the script's first moment, while the glue is
// imported and the pack fetched. Resolves to the glue's init argument: the compiled module, or
// nothing when compileStreaming is missing or failed (a wrong MIME type: the glue's own fetch
// then falls back to compiling the bytes, and reports a real failure).
function compile() {
  try {
    return WebAssembly.compileStreaming(fetch(new URL('xsell_core_bg.wasm', import.meta.url))).then((module_or_path) => ({ module_or_path }), () => {});
  } catch (x) {}
}

async function boot() {
  try {
    const sc = [...d.scripts].find((s) => s.src == import.meta.url) || d.querySelector('script[data-pack]');
    if (sc) cfg = { ...pick(sc.dataset, 'pack:s keys:s endpoint:s'), nonce: sc.nonce, ...cfg };
    if (!cfg.pack || !cfg.keys) throw err('config', 'data-pack and data-keys are required');
    const wasm = compile();
    const cmp = tcf(); // a CMP that already has an answer calls back at once, before the engine exists
    const [buf, M] = await Promise.all([
      fetch(new URL(cfg.pack, d.baseURI)).then(
        (r) => { if (!r.ok) throw err('fetch_failed', `pack ${cfg.pack}: HTTP ${r.status}`); return r.arrayBuffer(); },
        (x) => { throw err('fetch_failed', `pack ${cfg.pack}: ${msg(x)}`); }),
      import('./xsell_core.js').then(async (m) => (await m.default(await wasm), m)).catch((x) => {
        throw err('wasm_unavailable', msg(x));
      }),
    ]);
    ses.id = M.newId() || Math.random().toString(16).slice(2);
    // Before the first decision, a CMP gets up to CMP_WAIT ms (counted from the start, so it
    // overlaps the downloads) to answer; one that appeared while they ran is asked now.
    await (cmp || tcf());
    if (eff().storage) sesAdopt();
    try {
      e = new M.Engine();
    } catch (x) {
      throw err('wasm_trap', msg(x));
    }
    call((e) => e.setConsent(cons()));
    const r = call((e) => e.load(new Uint8Array(buf), { keys: cfg.keys, now: now(), audience: location.hostname })) || dead;
    if (!r.ok) throw r;
    info = r;
    replay(); // a purchase pushed before the engine existed
    // No answer from the host or a CMP yet: the pack's default for the shopper's region.
    if (!csrc && typeof e.consentDefault == 'function') apply(call((e) => e.consentDefault(country())), 'default');
    if (d.readyState == 'loading') await new Promise((f) => d.addEventListener('DOMContentLoaded', f, { once: true }));
    if (dead) throw dead;
    booted = 1;
    redecide();
    call((e) => e.flush?.()); // what the engine held back for the first cards (a high-water mark)
    arm();
    if (dead) throw dead; // a trap while deciding
    return info;
  } catch (x) {
    die(...(obj(x) && isS(x.code) ? [x.code, x.message] : ['internal', msg(x)]));
    return { ok: false, ...dead };
  }
}

// ---- install window.xsell ----------------------------------------------------------------
const q = w.xsell;
if (!(q && q.version)) {
  let done;
  const api = {
    version: V,
    ready: new Promise((f) => (done = f)),
    push: (...c) => (c.forEach(run), 0),
    refresh: () => api.ready.then(guard(redecide)),
    consent: () => ({ ...eff(), source: csrc || 'unknown' }),
    forget: guard(forget),
  };
  w.xsell = api;
  if (Array.isArray(q)) q.forEach(run);
  boot().then(done);
}
