// Loops for scripts/bench-web.mjs, run in headless Chromium. Every loop has a fixed count.
//
//   window.bench.ready                  resolves once the glue and the .wasm are initialised
//   bench.decideLoop(opts)              target (c): Engine.decide(signals, now) from JS
//   bench.decideFixedCost(opts)           (c) breakdown: the same call for an unknown placement
//   bench.loadLoop(opts)                  (b) breakdown: Engine.load, warm
//   bench.engineCase(opts)              target (d): one fixture case through the Engine
//   bench.coreInit(wasmUrl, packs)      target (d) breakdown: the core alone (benches/web/core)
//   bench.coreCase(opts)                  decide / Ledger::decode inside wasm, no JS between
//
// Timings are per batch (performance.now() around `batch` calls); the result is the median
// of batch time / batch size, so the timer's resolution (5 µs cross-origin isolated, 100 µs
// otherwise) is far below one batch.
import init, * as M from '/xsell/xsell_core.js';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const summary = (perCallUs, calls) => ({
  median_us: median(perCallUs),
  p10_us: pct(perCallUs, 0.1),
  p90_us: pct(perCallUs, 0.9),
  min_us: Math.min(...perCallUs),
  batches: perCallUs.length,
  calls,
});
const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());

// A fresh engine: nothing stored, this consent, this signed pack loaded at `now`.
function engine(envelope, keys, consent, now, audience) {
  const e = new M.Engine();
  e.forget();
  const c = e.setConsent(consent);
  if (c && c.ok === false) throw new Error('setConsent: ' + JSON.stringify(c));
  const args = { keys, now };
  if (audience) args.audience = audience;
  const r = e.load(envelope, args);
  if (!r || r.ok !== true) throw new Error('load: ' + JSON.stringify(r));
  return e;
}

// Runs `f(batch)` `batches` times after `warm` warm-up calls; per-call µs for each batch.
function timeBatches(f, warm, batch, batches) {
  f(warm);
  const out = [];
  for (let i = 0; i < batches; i++) {
    const t = performance.now();
    f(batch);
    out.push(((performance.now() - t) * 1000) / batch);
  }
  return out;
}

const envelopes = new Map();
async function envelope(url) {
  if (!envelopes.has(url)) envelopes.set(url, await bytes(url));
  return envelopes.get(url);
}

const ALL = { storage: true, personalization: true, measurement: true, gpc: false };

window.bench = {
  ready: init().then(() => ({ crossOriginIsolated: self.crossOriginIsolated, engine: M.engineVersion() })),

  // (c): one shopper's signals, decided `batch * batches` times by one engine.
  async decideLoop({ pack, keys, signals, consent = ALL, audience, warm = 2000, batch = 1000, batches = 100 }) {
    const now = Math.floor(Date.now() / 1000);
    const e = engine(await envelope(pack), keys, consent, now, audience);
    const first = e.decide(signals, now);
    if (!first || first.ok !== true) throw new Error('decide: ' + JSON.stringify(first));
    let sink = 0;
    const per = timeBatches((n) => {
      for (let i = 0; i < n; i++) sink += e.decide(signals, now).trace.length;
    }, warm, batch, batches);
    e.forget();
    e.free();
    return { ...summary(per, batch * batches), outcome: first.outcome, offer: first.offer ? first.offer.id : null, sink };
  },

  // (b) breakdown: Engine.load of the signed pack on a fresh Engine, warm (after `warm` loads
  // compiled and tiered up the code it runs), ms per load.
  async loadLoop({ pack, keys, warm = 10, n = 40 }) {
    const env = await envelope(pack), now = Math.floor(Date.now() / 1000);
    const one = () => {
      const e = new M.Engine();
      const t = performance.now();
      const r = e.load(env, { keys, now });
      const dt = performance.now() - t;
      e.free();
      if (!r || r.ok !== true) throw new Error('load: ' + JSON.stringify(r));
      return dt;
    };
    for (let i = 0; i < warm; i++) one();
    const ms = [];
    for (let i = 0; i < n; i++) ms.push(one());
    return { median_ms: median(ms), min_ms: Math.min(...ms), n };
  },

  // (c) breakdown: the same signals with a placement the pack does not have. The engine
  // converts the same signals object, reads the ledger and answers at once with a small
  // Decision (no offer, no trace): what every call pays before and after deciding.
  async decideFixedCost({ pack, keys, signals, consent = ALL, batch = 1000, batches = 20 }) {
    const now = Math.floor(Date.now() / 1000);
    const e = engine(await envelope(pack), keys, consent, now);
    const s = { ...signals, placement: 'bench-no-such-placement' };
    const d = e.decide(s, now);
    if (!d || d.ok !== true || d.outcome !== 'unknown_placement') throw new Error('decide: ' + JSON.stringify(d));
    const per = timeBatches((n) => {
      for (let i = 0; i < n; i++) e.decide(s, now);
    }, 500, batch, batches);
    e.forget();
    e.free();
    return median(per);
  },

  // (d): one fixture case through the Engine, ledger replayed before the timed part.
  async engineCase({ pack, keys, c, warm = 200, batch = 250, batches = 40 }) {
    const now = Date.parse(c.now) / 1000;
    const e = engine(await envelope(pack), keys, c.consent || ALL, now);
    for (const { at, event } of c.ledger || []) {
      const r = e.record(event, Date.parse(at) / 1000);
      if (!r || r.ok !== true) throw new Error('record: ' + JSON.stringify(r));
    }
    const d = e.decide(c.signals, now);
    if (!d || d.ok !== true) throw new Error('decide: ' + JSON.stringify(d));
    const per = timeBatches((n) => {
      for (let i = 0; i < n; i++) e.decide(c.signals, now);
    }, warm, batch, batches);
    e.forget();
    e.free();
    return { ...summary(per, batch * batches), outcome: d.outcome, offer: d.offer ? d.offer.id : null };
  },

  // The core module (benches/web/core, plain C ABI). Its wasm-bindgen imports are stubs that
  // throw: nothing the bench calls reaches them.
  async coreInit(url, packs) {
    const mod = await WebAssembly.compile(await bytes(url));
    const imports = {};
    for (const i of WebAssembly.Module.imports(mod)) {
      (imports[i.module] ||= {})[i.name] = () => { throw new Error('stub import ' + i.name); };
    }
    const { exports: x } = await WebAssembly.instantiate(mod, imports);
    const enc = new TextEncoder(), dec = new TextDecoder();
    const put = (s) => {
      const b = enc.encode(s), p = x.bc_alloc(b.length);
      new Uint8Array(x.memory.buffer, p, b.length).set(b);
      return [p, b.length];
    };
    const out = () => dec.decode(new Uint8Array(x.memory.buffer, x.bc_out_ptr(), x.bc_out_len()));
    const ids = {};
    for (const [name, text] of Object.entries(packs)) {
      const i = x.bc_pack(...put(text));
      if (i < 0) throw new Error(`core: pack ${name}: ${out()}`);
      ids[name] = i;
    }
    this.core = { x, put, out, ids, enc, dec };
    return Object.keys(ids);
  },

  coreCase({ c, text, warm = 2000, batch = 2000, batches = 40, ledgerBatch = 2000, ledgerBatches = 10 }) {
    const { x, put, out, ids, enc, dec } = this.core;
    const i = x.bc_case(ids[c.pack], ...put(text));
    if (i < 0) throw new Error(`core: case: ${out()}`);
    x.bc_decision(i);
    const d = JSON.parse(out());
    const per = timeBatches((n) => x.bc_run(i, n), warm, batch, batches);
    const led = timeBatches((n) => x.bc_run_ledger(i, n), 100, ledgerBatch, ledgerBatches);
    // What-if: the whole call with JSON text crossing the boundary (JSON.stringify the signals,
    // copy in, parse + ledger decode + decide + serialize in wasm, copy out, JSON.parse).
    const cap = 1 << 16, buf = x.bc_alloc(cap);
    const viaJson = (n) => {
      for (let k = 0; k < n; k++) {
        const { written } = enc.encodeInto(JSON.stringify(c.signals), new Uint8Array(x.memory.buffer, buf, cap));
        const len = x.bc_decide_json(i, buf, written);
        if (len < 0) throw new Error('bc_decide_json failed');
        JSON.parse(dec.decode(new Uint8Array(x.memory.buffer, x.bc_out_ptr(), len)));
      }
    };
    const js = timeBatches(viaJson, 200, Math.max(1, batch >> 3), Math.max(4, batches >> 2));
    return { ...summary(per, batch * batches), ledger_decode_us: median(led), json_boundary_us: median(js), outcome: d.outcome, offer: d.offer ? d.offer.id : null };
  },
};
