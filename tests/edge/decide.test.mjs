// The edge worker's JSON API in the real workerd runtime: decisions as the native engine makes
// them, the ledger carried in its signed cookie, consent, and packs that must not load.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makePacks, signRaw } from '../e2e/helpers.mjs';
import { ROOT, LEDGER_COOKIE, SESSION_COOKIE, cli, jar, openLedger, readJson, sealLedger, setCookies, startWorkerd } from './helpers.mjs';

const CASES = path.join(ROOT, 'fixtures/cases');
const PURPOSES = ['storage', 'personalization', 'measurement'];
/** What the native CLI's decision JSON and the worker's have in common (the worker adds id, ok, trace). */
const SHARED = ['outcome', 'placement', 'stage', 'pack', 'personalized', 'experiment', 'offer', 'would_be', 'score', 'matched'];

let packs, tmp, keys, workers = {};

before(async () => {
  packs = makePacks();
  tmp = mkdtempSync(path.join(tmpdir(), 'xsell-edge-'));
  keys = readFileSync(packs.pub, 'utf8').trim();
  for (const name of ['ties', 'lab']) {
    packs[name] = path.join(tmp, `${name}.signed.json`);
    cli('pack', 'sign', path.join(ROOT, `fixtures/packs/${name}.json`), '--key', `${packs.key}.key`, '--out', packs[name]);
  }
  // The tests call 127.0.0.1; the ties and lab packs are for localhost (and their example
  // sites) only, so their workers name the site they serve (XSELL_AUDIENCE) instead of taking
  // the request's host.
  for (const [name, audience] of [['demo', ''], ['ties', 'localhost'], ['lab', 'localhost']]) {
    const env = { XSELL_KEYS: keys, XSELL_PACK: readFileSync(packs[name], 'utf8'), XSELL_PREVIEW: '1' };
    workers[name] = await startWorkerd(audience ? { ...env, XSELL_AUDIENCE: audience } : env);
  }
});

after(async () => {
  await Promise.all(Object.values(workers).map((w) => w.stop()));
  packs?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
const file = (name, body) => {
  const f = path.join(tmp, `${n++}-${name}`);
  writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body));
  return f;
};

/** The native decision(s) from the CLI for the same inputs. */
function native(pack, signals, { now, consent = 'all', ledger, recordShown } = {}) {
  const args = ['decide', '--pack', packs[pack], '--keys', packs.pub, '--signals', file('signals.json', signals), '--consent', consent];
  if (now) args.push('--now', now);
  if (ledger) args.push('--ledger', ledger);
  if (recordShown) args.push('--record-shown');
  return JSON.parse(cli(...args));
}

async function decide(pack, signals, { now, cookie, headers = {} } = {}) {
  const url = `${workers[pack].base}/xsell/decide${now ? `?now=${encodeURIComponent(now)}` : ''}`;
  const res = await fetch(url, {
    method: 'POST',
    body: JSON.stringify(signals),
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}), ...headers },
    signal: AbortSignal.timeout(10_000),
  });
  return { res, body: await res.json() };
}

const shared = (d) => Object.fromEntries(SHARED.filter((k) => k in d).map((k) => [k, d[k]]));

describe('JSON decide', () => {
  test('decides every fixture case as the native engine does', async () => {
    const cases = readdirSync(CASES).filter((f) => f.endsWith('.json')).sort();
    assert.ok(cases.length >= 50, `the corpus has ${cases.length} cases`);
    for (const name of cases) {
      const c = readJson(path.join(CASES, name));
      const signals = structuredClone(c.signals);
      // The worker puts its session cookie's id on signals without one; give both sides one.
      signals.session = { id: 'edge-s', ...signals.session };
      const consent = { storage: true, personalization: true, measurement: true, gpc: false, ...c.consent };
      const kept = consent.storage && !consent.gpc; // the worker keeps a ledger only then
      let ledger;
      if (c.ledger) {
        ledger = path.join(tmp, `${n++}-ledger.txt`);
        for (const { at, event } of c.ledger) cli('ledger', 'record', '--ledger', ledger, '--event', JSON.stringify(event), '--now', at);
      }
      const granted = PURPOSES.filter((p) => consent[p]);
      const cookies = [`xsell_consent=${granted.length ? granted.join(',') : 'none'}`];
      if (ledger && kept) cookies.push(`${LEDGER_COOKIE}=${sealLedger(readFileSync(ledger, 'utf8').trim())}`);
      const { res, body } = await decide(c.pack, signals, {
        now: c.now,
        cookie: cookies.join('; '),
        headers: consent.gpc ? { 'Sec-GPC': '1' } : {},
      });
      assert.equal(res.status, 200, `${name}: ${JSON.stringify(body)}`);
      const want = native(c.pack, signals, {
        now: c.now,
        consent: [...granted, ...(consent.gpc ? ['gpc'] : [])].join(',') || 'none',
        ledger: kept ? ledger : undefined,
      });
      assert.deepEqual(shared(body), shared(want), name);
      // And the case's own expectation, where the worker sees what the case describes (a
      // ledger under GPC stays unknown to the worker: it keeps none).
      // The lab pack's experiments assign by the session id, which the worker made up above
      // when the case has none.
      const ownUnit = c.pack !== 'lab' || c.signals.session?.id != null || c.signals.session?.visitor != null;
      if ((!ledger || kept) && ownUnit) {
        assert.equal(body.outcome, c.expect.outcome, name);
        if (c.expect.offer) assert.equal(body.offer?.id, c.expect.offer, name);
      }
    }
  });

  test('a GET with the query shorthands decides like the same signals posted', async () => {
    const q = new URLSearchParams({ placement: 'cart', cart: 'AURORA-Q:1', device: 'desktop', now: '2026-11-23T09:30:00Z' });
    const res = await fetch(`${workers.demo.base}/xsell/decide?${q}`, { signal: AbortSignal.timeout(10_000) });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    const signals = { placement: 'cart', cart: { items: [{ sku: 'AURORA-Q', qty: 1 }] }, device: 'desktop' };
    const want = native('demo', signals, { now: '2026-11-23T09:30:00Z' });
    assert.equal(body.outcome, want.outcome);
    assert.equal(body.offer?.id, want.offer?.id);
  });

  test('bad signals are a 400 that names the field', async () => {
    const { res, body } = await decide('demo', { placement: 'product', page: { colour: 'red' } });
    assert.equal(res.status, 400);
    assert.equal(body.code, 'bad_signals');
    assert.match(body.message, /colour/);
  });
});

describe('the ledger cookie', () => {
  const signals = { placement: 'product', page: { product: 'AURORA-Q', dwell_seconds: 45 }, session: { id: 'cap-s' } };
  const now = '2026-11-23T09:30:00Z';

  test('carries caps and cooldowns across requests, signed', async () => {
    const j = jar();
    const got = [];
    for (let i = 0; i < 3; i++) {
      const { res, body } = await decide('demo', signals, { now, cookie: j.header() });
      assert.equal(res.status, 200);
      const set = setCookies(res);
      assert.ok(set[LEDGER_COOKIE], 'a ledger cookie is set with storage consent');
      assert.ok(set[LEDGER_COOKIE].attrs.includes('httponly'));
      assert.ok(openLedger(set[LEDGER_COOKIE].value), 'its MAC checks out with the secret');
      j.take(res);
      got.push(body.offer?.id ?? null);
    }
    // The native engine, recording each shown offer as the worker does.
    const want = native('demo', [signals, signals, signals], { now, ledger: path.join(tmp, `${n++}-cap.txt`), recordShown: true });
    assert.deepEqual(got, want.map((d) => d.offer?.id ?? null));
    assert.notEqual(got[0], got[1], 'a session cap of 1 moves the second page view to another offer');
  });

  test('a tampered cookie resets the ledger without an error', async () => {
    const first = await decide('demo', signals, { now });
    const value = setCookies(first.res)[LEDGER_COOKIE].value;
    const at = value.indexOf('.') + 8;
    const tampered = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
    const { res, body } = await decide('demo', signals, { now, cookie: `${LEDGER_COOKIE}=${tampered}` });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('X-Xsell-Ledger'), 'reset');
    assert.equal(body.offer?.id, first.body.offer?.id, 'decided as for a new shopper');
    assert.ok(openLedger(setCookies(res)[LEDGER_COOKIE].value), 'and a fresh, valid cookie is set');
  });

  test('a cookie signed with the secret whose ledger does not decode is reset too', async () => {
    const fresh = await decide('demo', signals, { now });
    const cookie = `${LEDGER_COOKIE}=${sealLedger('xl1.bm90IGEgbGVkZ2Vy.0000000000000000')}`;
    const { res, body } = await decide('demo', signals, { now, cookie });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('X-Xsell-Ledger'), 'reset');
    assert.equal(body.offer?.id, fresh.body.offer?.id);
  });

  test('Sec-GPC: 1 stores nothing, deletes what was stored, and personalizes nothing', async () => {
    const first = await decide('demo', signals, { now });
    const cookie = Object.entries(setCookies(first.res)).map(([k, v]) => `${k}=${v.value}`).join('; ');
    const { res, body } = await decide('demo', { ...signals, answers: { sleep_temperature: 'hot' } }, { now, cookie, headers: { 'Sec-GPC': '1' } });
    assert.equal(res.status, 200);
    const set = setCookies(res);
    for (const name of [LEDGER_COOKIE, SESSION_COOKIE]) assert.ok(set[name]?.attrs.includes('max-age=0'), `${name} is deleted`);
    assert.equal(body.personalized, false);
    const want = native('demo', { ...signals, answers: { sleep_temperature: 'hot' } }, { now, consent: 'storage,personalization,measurement,gpc' });
    assert.deepEqual(shared(body), shared(want));
  });

  test('no storage consent: no cookie at all', async () => {
    const { res } = await decide('demo', signals, { now, cookie: 'xsell_consent=personalization,measurement' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.headers.getSetCookie(), []);
  });
});

test('200 concurrent requests are all answered, each correctly', async () => {
  const now = '2026-11-23T09:30:00Z';
  const kinds = [
    { placement: 'product', page: { product: 'AURORA-Q', dwell_seconds: 45 } },
    { placement: 'cart', cart: { items: [{ sku: 'AURORA-Q', qty: 1 }] } },
    { placement: 'product', page: { product: 'LUMA-Z6' } },
    { placement: 'checkout', cart: { items: [{ sku: 'AURORA-Q', qty: 1 }] } },
  ].map((s, i) => ({ ...s, session: { id: `conc-${i}` } }));
  const want = kinds.map((s) => native('demo', s, { now }).offer?.id ?? null);
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => decide('demo', kinds[i % kinds.length], { now })));
  results.forEach(({ res, body }, i) => {
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.offer?.id ?? null, want[i % kinds.length], `request ${i}`);
  });
});

test('memory stays steady over 10,000 requests', async () => {
  const w = workers.demo;
  const now = '2026-11-23T09:30:00Z';
  const kinds = [
    { placement: 'product', page: { product: 'AURORA-Q', dwell_seconds: 45 } },
    { placement: 'cart', cart: { items: [{ sku: 'LUMA-Z6', qty: 1 }, { sku: 'AURORA-Q', qty: 2 }] } },
    { placement: 'product', page: { product: 'NIMBUS-Q' }, answers: { sleep_temperature: 'hot' } },
  ];
  // Ten shoppers at a time, each carrying its cookie from one request to the next.
  const run = async (count) => {
    const jars = Array.from({ length: 10 }, () => jar());
    let next = 0;
    await Promise.all(jars.map(async (j, k) => {
      while (next < count) {
        const i = next++;
        const { res } = await decide('demo', { ...kinds[i % kinds.length], session: { id: `mem-${k}` } }, { now, cookie: j.header() });
        assert.equal(res.status, 200);
        j.take(res);
      }
    }));
  };
  const memory = async () => (await (await fetch(`${w.base}/xsell/status`)).json()).memory;
  await run(1_000); // warm: every allocation size the engine needs has been seen
  const warm = await memory();
  assert.ok(Number.isInteger(warm) && warm > 0, `status reports memory: ${warm}`);
  await run(10_000);
  const end = await memory();
  // Four wasm pages of slack for the allocator's own layout; a leak of even 30 bytes a request
  // would be more than that over 10,000.
  assert.ok(end <= warm + 4 * 65_536, `wasm memory grew from ${warm} to ${end} bytes over 10,000 requests`);
});

describe('packs that must not load', () => {
  for (const [name, code] of [['tampered', 'bad_signature'], ['expired', 'expired'], ['foreign', 'unknown_key']]) {
    test(`${name}: the JSON says why, and nothing is decided`, async () => {
      const w = await startWorkerd({ XSELL_KEYS: keys, XSELL_PACK: readFileSync(packs[name], 'utf8') });
      try {
        const res = await fetch(`${w.base}/xsell/decide?placement=product&product=AURORA-Q`, { signal: AbortSignal.timeout(10_000) });
        const body = await res.json();
        assert.equal(res.status, 503);
        assert.equal(body.ok, false);
        assert.equal(body.code, code, body.message);
        const status = await (await fetch(`${w.base}/xsell/status`)).json();
        assert.equal(status.error.code, code);
      } finally {
        await w.stop();
      }
    });
  }

  test('a pack that expires while the isolate uses it stops being used', async () => {
    const pack = readJson(path.join(ROOT, 'fixtures/packs/demo.json'));
    const expires = Math.ceil(Date.now() / 1000) + 3;
    pack.header.expires_at = new Date(expires * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const w = await startWorkerd({ XSELL_KEYS: keys, XSELL_PACK: signRaw(JSON.stringify(pack), packs.key), XSELL_CLOCK_SKEW: '0' });
    const get = async (p) => {
      const res = await fetch(`${w.base}${p}`, { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: await res.json() };
    };
    try {
      const before = await get('/xsell/decide?placement=product&product=AURORA-Q');
      assert.equal(before.status, 200, JSON.stringify(before.body));
      assert.equal((await get('/xsell/status')).body.pack.expiresAt, expires);
      await new Promise((r) => setTimeout(r, Math.max(0, expires * 1000 - Date.now()) + 500));
      const afterwards = await get('/xsell/decide?placement=product&product=AURORA-Q');
      assert.equal(afterwards.status, 503);
      assert.equal(afterwards.body.code, 'expired', afterwards.body.message);
      const status = await get('/xsell/status');
      assert.equal(status.body.ok, false);
      assert.equal(status.body.error.code, 'expired');
    } finally {
      await w.stop();
    }
  });

  test('a rolled-back or broken refresh keeps the last good pack', async () => {
    let serve = readFileSync(packs.demo);
    const origin = createServer((req, res) => {
      res.writeHead(serve ? 200 : 500, { 'Content-Type': 'application/json' });
      res.end(serve ?? 'down');
    });
    await new Promise((r) => origin.listen(0, '127.0.0.1', r));
    const w = await startWorkerd({ XSELL_KEYS: keys, XSELL_PACK_URL: `http://127.0.0.1:${origin.address().port}/pack.json`, XSELL_PACK_TTL: '0.2' });
    const version = readJson(path.join(ROOT, 'fixtures/packs/demo.json')).header.version;
    const status = async () => (await fetch(`${w.base}/xsell/status`, { signal: AbortSignal.timeout(10_000) })).json();
    const waitFor = async (pred, what) => {
      for (let i = 0; i < 100; i++) {
        const s = await status();
        if (pred(s)) return s;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(`timed out waiting for ${what}: ${JSON.stringify(await status())}`);
    };
    try {
      assert.equal((await status()).pack.version, version);
      serve = readFileSync(packs.older);
      const s = await waitFor((x) => x.error?.code === 'rollback', 'the rollback to be refused');
      assert.equal(s.pack.version, version, 'the newer pack stays in use');
      serve = null; // the source fails: still the last good pack
      await waitFor((x) => x.error?.code === 'fetch_failed', 'the failed fetch');
      const res = await fetch(`${w.base}/xsell/decide?placement=product&product=AURORA-Q`);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).pack.version, version);
    } finally {
      await w.stop();
      origin.close();
    }
  });
});
