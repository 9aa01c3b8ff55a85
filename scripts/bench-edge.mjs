#!/usr/bin/env node
// Edge benchmarks (issue 4), on loopback with workerd (the npm package's real runtime):
//
//   cold    an isolate's cold start, instantiate + verify + first decision, as the worker
//           reports it (/xsell/status `cold`), median of fresh workerd processes. Target <= 5 ms.
//   html    CPU the worker adds per HTML request: workerd's own CPU time (/proc) over N requests
//           of the demo product page with its slot filled, minus over N of the same bytes
//           proxied as text/plain (no filling). Target <= 0.3 ms.
//   json    throughput and p99 latency of GET /xsell/decide with workerd pinned to one core,
//           beside a worker that returns a static response of a decision's size (benches/edge/).
//   bundle  the worker bundle (dist/edge) raw, gzip and brotli.
//
//   node scripts/bench-edge.mjs [--quick] [--json] [--out FILE]     (scripts/bench-edge.sh builds first)
//
// Every loop has a fixed count and every wait a timeout; servers bind 127.0.0.1 only. The load
// generator (this process) runs on core 1 and workerd on core 0 (taskset), when there are two.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { WORKERD, startWorkerd } from './workerd.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const R = (...p) => path.join(ROOT, ...p);
const OUT = R('target', 'bench-edge');
const XSELL = R('target', 'debug', 'xsell');
const TARGET = { coldMs: 5, htmlCpuMs: 0.3 };

const args = { quick: process.argv.includes('--quick'), json: process.argv.includes('--json'), out: path.join(OUT, 'report.json') };
const oi = process.argv.indexOf('--out');
if (oi > 0) args.out = path.resolve(process.argv[oi + 1]);
const N = args.quick
  ? { cold: 3, html: 200, json: 500, warm: 100, conc: 8 }
  : { cold: 10, html: 2000, json: 5000, warm: 500, conc: 8 };
const log = (m) => process.stderr.write(`bench-edge: ${m}\n`);
const die = (m) => (log(m), process.exit(2));

for (const f of ['edge.js', 'edge-worker.js', 'xsell_core.js', 'xsell_core_bg.wasm']) {
  if (!existsSync(R('dist', 'edge', f))) die(`dist/edge/${f} is missing: run scripts/build.sh edge (or scripts/bench-edge.sh)`);
}
if (!existsSync(XSELL)) die('target/debug/xsell is missing: cargo build -p xsell-cli');
if (!existsSync(WORKERD)) die('node_modules/workerd is missing: make setup');
mkdirSync(OUT, { recursive: true });

const twoCores = os.cpus().length >= 2;
if (twoCores) {
  try {
    execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  } catch {
    log('taskset failed: the load generator is not pinned');
  }
}

// ---- a key and the signed demo pack -----------------------------------------------------
const key = path.join(OUT, 'bench');
if (!existsSync(`${key}.key`)) execFileSync(XSELL, ['keygen', '--out', key], { stdio: 'ignore' });
const signed = path.join(OUT, 'demo.signed.json');
execFileSync(XSELL, ['pack', 'sign', R('fixtures', 'packs', 'demo.json'), '--key', `${key}.key`, '--out', signed], { stdio: 'ignore' });
const KEYS = readFileSync(`${key}.pub`, 'utf8').trim();
const PACK = readFileSync(signed, 'utf8');

// ---- processes ----------------------------------------------------------------------------
// The readiness probe is a path the worker answers without loading its pack, so the cold start
// is still cold when it is measured.
const workerd = (config, env = {}) =>
  startWorkerd(config, env, { pin: twoCores, probe: '/xsell/not-a-route' }).catch((e) => die(e.message));

/** CPU seconds used so far by process `pid` (user + system, every thread). */
function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return ticks / 100; // CLK_TCK is 100 on Linux
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** `count` requests, `conc` at a time; resolves to per-request latencies (ms) and the wall time. */
async function load(url, count, conc, init = {}) {
  const lat = [];
  let next = 0, failed = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, async () => {
    while (next < count) {
      next++;
      const t = performance.now();
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (!res.ok) failed++;
      lat.push(performance.now() - t);
    }
  }));
  return { lat, wallMs: performance.now() - t0, failed };
}

const report = { when: new Date().toISOString(), quick: args.quick, machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version }, pinned: twoCores, targets: [], details: {} };
const verdict = (id, name, value, unit, target, pass, note) => report.targets.push({ id, name, value, unit, target, pass, note });
const XSELL_ENV = { XSELL_KEYS: KEYS, XSELL_PACK: PACK, XSELL_COOKIE_SECRET: 'bench-only-secret' };
const CONFIG = R('tests', 'edge', 'workerd.capnp');
const DECIDE = '/xsell/decide?placement=product&product=AURORA-Q&dwell=45';

// ---- bundle -------------------------------------------------------------------------------
{
  const files = ['edge.js', 'edge-worker.js', 'xsell_core.js', 'xsell_core_bg.wasm'].map((f) => R('dist', 'edge', f));
  const sum = (fn) => files.reduce((n, f) => n + fn(readFileSync(f)), 0);
  const b = {
    raw: sum((x) => x.length),
    gzip: sum((x) => zlib.gzipSync(x, { level: 9 }).length),
    brotli: sum((x) => zlib.brotliCompressSync(x, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length),
  };
  report.details.bundle = b;
  verdict('bundle', 'worker bundle (dist/edge: 4 files) after brotli / gzip', b.brotli, 'B', 'report', true, `${b.gzip} B gzip, ${b.raw} B raw`);
}

// ---- cold start ---------------------------------------------------------------------------
{
  log(`cold: ${N.cold} fresh workerd processes`);
  const runs = [];
  for (let i = 0; i < N.cold; i++) {
    const w = await workerd(CONFIG, XSELL_ENV);
    try {
      const res = await fetch(`${w.base}${DECIDE}`, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) die(`cold: decide answered ${res.status}: ${await res.text()}`);
      const { cold } = await (await fetch(`${w.base}/xsell/status`)).json();
      runs.push({ ...cold, totalMs: cold.instantiateMs + cold.loadMs + cold.firstDecideMs });
    } finally {
      await w.stop();
    }
  }
  const m = (k) => median(runs.map((r) => r[k]));
  report.details.cold = { runs, median: { instantiateMs: m('instantiateMs'), loadMs: m('loadMs'), firstDecideMs: m('firstDecideMs'), totalMs: m('totalMs') } };
  const t = m('totalMs');
  verdict('cold', 'cold start: instantiate + verify/compile pack + first decision (median)', +t.toFixed(2), 'ms', `<= ${TARGET.coldMs} ms`, t <= TARGET.coldMs,
    `instantiate ${m('instantiateMs').toFixed(2)}, load ${m('loadMs').toFixed(2)}, first decide ${m('firstDecideMs').toFixed(2)} ms; demo pack ${PACK.length} B signed`);
}

// ---- HTML: CPU added per request ---------------------------------------------------------
{
  const page = readFileSync(R('www', 'products', 'aurora-q.html'));
  const origin = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': req.url.startsWith('/plain') ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise((r) => origin.listen(0, '127.0.0.1', r));
  const w = await workerd(CONFIG, { ...XSELL_ENV, XSELL_ORIGIN: `http://127.0.0.1:${origin.address().port}` });
  try {
    const probe = await (await fetch(`${w.base}/page`)).text();
    if (!/data-xsell-edge=/.test(probe)) die('html: the page came back without a filled slot');
    const measure = async (p) => {
      await load(`${w.base}${p}`, N.warm, 1);
      const before = cpuSeconds(w.pid);
      const r = await load(`${w.base}${p}`, N.html, 1);
      return { cpuMsPerRequest: ((cpuSeconds(w.pid) - before) * 1000) / N.html, medianMs: median(r.lat), failed: r.failed };
    };
    log(`html: ${N.html} requests filled, ${N.html} proxied as text/plain`);
    const filled = await measure('/page');
    const plain = await measure('/plain');
    const added = filled.cpuMsPerRequest - plain.cpuMsPerRequest;
    report.details.html = { filled, plain, pageBytes: page.length, cpuResolutionMs: (10 / N.html).toFixed(4) };
    verdict('html', 'CPU added per HTML request (filled minus proxied)', +added.toFixed(3), 'ms', `<= ${TARGET.htmlCpuMs} ms`, added <= TARGET.htmlCpuMs,
      `workerd CPU ${filled.cpuMsPerRequest.toFixed(3)} ms filled vs ${plain.cpuMsPerRequest.toFixed(3)} ms proxied, ${page.length} B page, ${N.html} requests each`);
  } finally {
    await w.stop();
    origin.close();
  }
}

// ---- JSON API vs a static worker, one core -----------------------------------------------
{
  const run = async (config, env, url) => {
    const w = await workerd(config, env);
    try {
      await load(`${w.base}${url}`, N.warm, N.conc);
      const r = await load(`${w.base}${url}`, N.json, N.conc);
      return { rps: (N.json * 1000) / r.wallMs, p50: median(r.lat), p99: pct(r.lat, 99), failed: r.failed };
    } finally {
      await w.stop();
    }
  };
  log(`json: ${N.json} requests, ${N.conc} at a time, xsell then static`);
  const xs = await run(CONFIG, XSELL_ENV, DECIDE);
  const st = await run(R('benches', 'edge', 'static.capnp'), {}, '/');
  report.details.json = { xsell: xs, static: st, concurrency: N.conc, requests: N.json };
  verdict('json', 'JSON decide throughput on one core (vs static worker)', Math.round(xs.rps), 'req/s', 'report', xs.failed === 0,
    `p50 ${xs.p50.toFixed(2)} ms, p99 ${xs.p99.toFixed(2)} ms; static ${Math.round(st.rps)} req/s, p99 ${st.p99.toFixed(2)} ms; xsell/static throughput ${(xs.rps / st.rps).toFixed(2)}×`);
}

writeFileSync(args.out, JSON.stringify(report, null, 2));
if (args.json) {
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
} else {
  const rows = report.targets.map((t) => [t.id, t.name, `${t.value} ${t.unit}`, t.target, t.target === 'report' ? '' : t.pass ? 'PASS' : 'FAIL']);
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 6));
  console.log(`xsell edge benchmarks — workerd ${execFileSync(WORKERD, ['--version'], { encoding: 'utf8' }).trim()}, ${os.cpus().length} CPU(s)${twoCores ? ', workerd on core 0' : ''}${args.quick ? ' (quick: not valid)' : ''}\n`);
  for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${String(r[2]).padStart(w[2])}  ${r[3].padEnd(w[3])}  ${r[4]}`);
  console.log('');
  for (const t of report.targets) console.log(`  ${t.id}: ${t.note}`);
  console.log(`\nJSON report: ${path.relative(ROOT, args.out)}`);
}
const failed = report.targets.filter((t) => t.target !== 'report' && !t.pass).length;
process.exit(process.env.BENCH_STRICT === '1' && failed ? 1 : 0);
