#!/usr/bin/env node
// Browser benchmarks for issue 3 ("Speed"): sizes, start-up, decide from JS, wasm vs native.
// Prints a table of every number with its target and PASS/FAIL (or JSON with --json).
// `make bench-web` / scripts/bench-web.sh build first and then run this; benches/README.md
// ("Browser") explains every measurement.
//
//   node scripts/bench-web.mjs [--json] [--out FILE] [--loads N] [--skip-native] [--skip-core]
//                              [--only a,b,c,d] [--quick] [--chromium PATH] [--js-flags FLAGS]
//
//   --json         print only the JSON report on stdout (progress always goes to stderr)
//   --out FILE     also write the JSON report to FILE (default target/bench-web/report.json)
//   --loads N      fresh page loads for (b) (default 25; the target needs >= 20)
//   --skip-native  use the decide/fixtures criterion results already on disk for (d)
//   --skip-core    do not build or run the core-only wasm module (d's breakdown)
//   --only LIST    run only these targets (a, b, c, d), e.g. --only a,b
//   --quick        a smoke run: few loads and calls; its numbers are marked as not valid
//   --js-flags F   V8 flags for Chromium, for diagnosis only (numbers marked as not valid), e.g.
//                  --no-wasm-lazy-compilation to see (b) without first-call compilation
//   --wait-quiet S before each browser measurement, wait up to S seconds (default 120) for the
//                  machine's CPUs to be at most 25% busy with other work; the busy share seen
//                  is reported, since other processes' load makes every number here slower
//
// It needs, already built: dist/browser (scripts/build.sh browser), target/debug/xsell
// (cargo build -p xsell-cli) and target/wasm32-unknown-unknown/release/xsell.wasm (from the
// same build.sh run, for the size breakdown). It signs fixtures/packs/{demo,ties}.json with a
// bench key in target/bench-web/, builds benches/web/core for (d)'s breakdown, runs
// `cargo bench --bench decide -- decide/fixtures` for (d)'s native side, serves everything
// from memory on 127.0.0.1 (an ephemeral port) and drives Debian's Chromium with
// playwright-core. Every loop has a fixed count; every wait has a timeout.
// Exit status: 0 when it ran (whatever the verdicts; BENCH_STRICT=1 makes a FAIL exit 1),
// 2 on bad usage, 1 when something could not be measured.

import { createServer } from 'node:http';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zc } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const R = (...p) => path.join(ROOT, ...p);
const OUT = R('target', 'bench-web');
const DIST = R('dist', 'browser');

// ---- targets (issue 3) -----------------------------------------------------------------
const KB = 1000; // docs/script-api.md counts 12,132 bytes as "12.1 KB"
const TARGET = {
  wasmBr: 60 * KB,
  loaderBr: 6 * KB,
  startupMs: 20,
  decideUs: 20,
  ratio: 1.5,
  minLoads: 20,
  minCalls: 100_000,
};

// ---- arguments ---------------------------------------------------------------------------
const args = { json: false, out: path.join(OUT, 'report.json'), loads: 25, skipNative: false, skipCore: false, only: null, quick: false, chromium: '/usr/bin/chromium', jsFlags: '', waitQuiet: 120 };
{
  const a = process.argv.slice(2);
  const usage = (m) => {
    process.stderr.write(`bench-web: ${m}\nusage: node scripts/bench-web.mjs [--json] [--out FILE] [--loads N] [--skip-native] [--skip-core] [--only a,b,c,d] [--quick] [--chromium PATH] [--js-flags FLAGS]\n`);
    process.exit(2);
  };
  for (let i = 0; i < a.length; i++) {
    const k = a[i];
    const val = () => (i + 1 < a.length ? a[++i] : usage(`${k} needs a value`));
    if (k === '--json') args.json = true;
    else if (k === '--out') args.out = path.resolve(val());
    else if (k === '--loads') {
      args.loads = Number(val());
      if (!Number.isInteger(args.loads) || args.loads < 1 || args.loads > 500) usage('--loads: 1..500');
    } else if (k === '--skip-native') args.skipNative = true;
    else if (k === '--skip-core') args.skipCore = true;
    else if (k === '--quick') args.quick = true;
    else if (k === '--chromium') args.chromium = val();
    else if (k === '--js-flags') args.jsFlags = val();
    else if (k === '--wait-quiet') {
      args.waitQuiet = Number(val());
      if (!Number.isFinite(args.waitQuiet) || args.waitQuiet < 0 || args.waitQuiet > 3600) usage('--wait-quiet: 0..3600 seconds');
    }
    else if (k === '--only') {
      args.only = new Set(val().split(',').map((s) => s.trim()).filter(Boolean));
      for (const t of args.only) if (!/^[abcd]$/.test(t)) usage(`--only: unknown target ${t}`);
    } else if (k === '-h' || k === '--help') {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 21).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    } else usage(`unknown argument ${k}`);
  }
  if (args.quick && !process.argv.includes('--loads')) args.loads = 5;
}
const want = (t) => !args.only || args.only.has(t);
// Loop sizes. --quick shrinks them (and marks the report), for checking the script itself.
const N = args.quick
  ? { decideBatch: 200, decideBatches: 10, memBatches: 5, caseBatch: 50, caseBatches: 6, coreBatch: 200, coreBatches: 6, instrumented: 3, repeat: 3 }
  : { decideBatch: 1000, decideBatches: 100, memBatches: 20, caseBatch: 250, caseBatches: 40, coreBatch: 2000, coreBatches: 40, instrumented: 10, repeat: 10 };

const log = (m) => process.stderr.write(`bench-web: ${m}\n`);
const die = (m) => {
  log(m);
  process.exit(1);
};

// ---- small helpers ----------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b), n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const quantile = (xs, p) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const geomean = (xs) => Math.exp(sum(xs.map(Math.log)) / xs.length);
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error || r.status !== 0) {
    die(`${cmd} ${argv.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`})\n${(r.stderr || '').slice(-4000)}`);
  }
  return r.stdout || '';
}
function brotliSize(file) {
  try {
    return execFileSync('brotli', ['-c', '-q', '11', file], { maxBuffer: 64 << 20 }).length;
  } catch {
    return brotliCompressSync(readFileSync(file), { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_LGWIN]: 22 } }).length;
  }
}
// Share of all CPUs busy over `ms` (from /proc/stat; null where there is none).
function cpuBusy(ms) {
  const snap = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: f[3] + (f[4] || 0), total: sum(f) };
    } catch {
      return null;
    }
  };
  const a = snap();
  if (!a) return null;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const b = snap();
  const dt = b.total - a.total;
  return dt > 0 ? 1 - (b.idle - a.idle) / dt : null;
}
// Waits (bounded) for the machine to be quiet; records what it saw for the phase.
function quiet(phase) {
  const deadline = Date.now() + args.waitQuiet * 1000;
  let busy = cpuBusy(1000);
  if (busy != null && busy > 0.25 && args.waitQuiet > 0) {
    log(`${phase}: CPUs ${Math.round(busy * 100)}% busy with other work; waiting up to ${args.waitQuiet} s for <= 25%`);
    while (busy > 0.25 && Date.now() < deadline) busy = cpuBusy(5000);
  }
  (report.machine.busy_before ||= {})[phase] = busy;
  if (busy != null && busy > 0.25) log(`${phase}: measuring with the CPUs ${Math.round(busy * 100)}% busy with other work: expect slower numbers`);
}
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : 0);

// ---- inputs -------------------------------------------------------------------------------
mkdirSync(OUT, { recursive: true });
for (const f of ['xsell.js', 'xsell_core.js', 'xsell_core_bg.wasm']) {
  if (!existsSync(path.join(DIST, f))) die(`dist/browser/${f} is missing: run scripts/build.sh browser (or scripts/bench-web.sh)`);
}
const XSELL_CLI = R('target', 'debug', 'xsell');
if ((want('b') || want('c') || want('d')) && !existsSync(XSELL_CLI)) die('target/debug/xsell is missing: cargo build -p xsell-cli (or scripts/bench-web.sh)');

const report = {
  when: new Date().toISOString(),
  quick: args.quick || !!args.jsFlags,
  js_flags: args.jsFlags || null,
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
  targets: [],
  details: {},
};
const verdict = (id, name, value, unit, target, pass, note) => report.targets.push({ id, name, value, unit, target, pass, note });

// ---- (a) sizes ------------------------------------------------------------------------
if (want('a')) {
  const file = (f) => path.join(DIST, f);
  const sizes = {};
  for (const f of ['xsell_core_bg.wasm', 'xsell.js', 'xsell_core.js']) sizes[f] = { bytes: statSync(file(f)).size, brotli: brotliSize(file(f)) };
  report.details.sizes = sizes;
  verdict('a1', 'xsell_core_bg.wasm after brotli -q 11', sizes['xsell_core_bg.wasm'].brotli, 'B', `<= ${int(TARGET.wasmBr)} B`, sizes['xsell_core_bg.wasm'].brotli <= TARGET.wasmBr,
    `${int(sizes['xsell_core_bg.wasm'].bytes)} B raw`);
  verdict('a2', 'xsell.js (loader) after brotli -q 11', sizes['xsell.js'].brotli, 'B', `<= ${int(TARGET.loaderBr)} B`, sizes['xsell.js'].brotli <= TARGET.loaderBr,
    `${int(sizes['xsell.js'].bytes)} B raw; glue xsell_core.js adds ${int(sizes['xsell_core.js'].brotli)} B br (not in the target)`);
  // The floor: what the required dependencies alone weigh, so what is left for the engine.
  const floor = floorSize();
  if (floor) {
    sizes.floor = floor;
    report.targets.find((t) => t.id === 'a1').note += `; the required dependencies alone (benches/web/floor) are ${int(floor.brotli)} B br (${int(floor.bytes)} raw), leaving ${int(TARGET.wasmBr - floor.brotli)} B br for the engine, which takes ${int(sizes['xsell_core_bg.wasm'].brotli - floor.brotli)} B`;
  }
  // Where the bytes go: the same build's module with its names kept (see namedModule).
  const named = namedModule();
  if (named) {
    const text = run('python3', [R('scripts', 'wasm-sizes.py'), '--json', named.file, '15']);
    try {
      const ws = JSON.parse(text);
      const unnamed = ws.file_bytes - (ws.sections['custom:name'] || 0);
      report.details.wasmSizes = { ...named, file: path.relative(ROOT, named.file), same_as_shipped: named.shipped && Math.abs(unnamed - sizes['xsell_core_bg.wasm'].bytes) <= 8, ...ws };
    } catch {
      report.details.wasmSizes = { ...named, file: path.relative(ROOT, named.file), error: 'wasm-sizes.py output was not JSON' };
    }
  }
}

// The module as shipped, but with a name section, for wasm-sizes.py: cargo's output through
// the same wasm-bindgen (wasm-pack's cached copy, --keep-debug) and the same wasm-opt flags
// with -g instead of --strip-debug. Cached while the cargo output is unchanged. Falls back to
// cargo's output itself (bigger: before wasm-bindgen and wasm-opt) when wasm-bindgen is absent.
function namedModule() {
  const cargoOut = R('target', 'wasm32-unknown-unknown', 'release', 'xsell.wasm');
  if (!existsSync(cargoOut)) return null;
  const stale = mtime(cargoOut) + 120_000 < mtime(path.join(DIST, 'xsell_core_bg.wasm'));
  const { wb, ver } = wasmBindgen();
  if (!wb) return { file: cargoOut, shipped: false, stale, note: 'cargo output (before wasm-bindgen and wasm-opt): wasm-bindgen not found in ~/.cache/.wasm-pack' };
  const dir = path.join(OUT, 'named');
  const opt = path.join(dir, 'xsell_core_bg.opt.wasm');
  if (mtime(opt) <= mtime(cargoOut)) {
    mkdirSync(dir, { recursive: true });
    log('(a) making a named copy of the shipped module for the size breakdown (wasm-bindgen --keep-debug, wasm-opt -g; about a minute)');
    run(wb, ['--target', 'web', '--keep-debug', '--no-typescript', '--out-dir', dir, '--out-name', 'xsell_core', cargoOut]);
    const flags = wasmOptFlags().filter((f) => f !== '--strip-debug');
    run(R('node_modules', '.bin', 'wasm-opt'), [...flags, '-g', path.join(dir, 'xsell_core_bg.wasm'), '-o', opt]);
  }
  return { file: opt, shipped: true, stale, note: `cargo output through wasm-bindgen ${ver} --keep-debug and wasm-opt (build flags, -g)` };
}
// wasm-pack's cached wasm-bindgen of the version in Cargo.lock (what the build ran), if any.
function wasmBindgen() {
  const lock = readFileSync(R('Cargo.lock'), 'utf8');
  const ver = (/name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock) || [])[1];
  const wb = ver && [path.join(os.homedir(), '.cache', '.wasm-pack', `wasm-bindgen-cargo-install-${ver}`, 'wasm-bindgen'),
    path.join(os.homedir(), '.cache', '.wasm-pack', `wasm-bindgen-cargo-install-${ver}`, 'bin', 'wasm-bindgen')].find(existsSync);
  return { wb, ver };
}
function wasmOptFlags() {
  return run('python3', ['-c', "import tomllib;print('\\n'.join(tomllib.load(open('wasm-pack.toml','rb'))['defaults']['wasm-opt']))"]).split('\n').filter(Boolean);
}

// ---- signing, pages, server ---------------------------------------------------------------
const packsDir = R('fixtures', 'packs');
const casesDir = R('fixtures', 'cases');
let keys = '';
const signed = {};
if (want('b') || want('c') || want('d')) {
  const key = path.join(OUT, 'bench');
  if (!existsSync(`${key}.key`) || !existsSync(`${key}.pub`)) run(XSELL_CLI, ['keygen', '--out', key, '--force']);
  keys = readFileSync(`${key}.pub`, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).join(',');
  for (const f of readdirSync(packsDir).filter((f) => f.endsWith('.json')).sort()) {
    const name = f.replace(/\.json$/, '');
    const out = path.join(OUT, `${name}.signed.json`);
    run(XSELL_CLI, ['pack', 'sign', path.join(packsDir, f), '--key', `${key}.key`, '--out', out]);
    signed[name] = readFileSync(out);
  }
}

const routes = new Map();
const page = (file, fill) => Buffer.from(readFileSync(R('benches', 'web', file), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k) => fill[k] ?? ''));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm' };
const put = (p, body) => routes.set(p, { body, type: TYPES[path.extname(p)] || 'application/octet-stream' });
// The drop-in script as built, with one statement in front: the mark that defines "script start".
put('/xsell/xsell.js', Buffer.concat([Buffer.from("performance.mark('xsell:start');\n"), readFileSync(path.join(DIST, 'xsell.js'))]));
put('/xsell/xsell_core.js', readFileSync(path.join(DIST, 'xsell_core.js')));
put('/xsell/xsell_core_bg.wasm', readFileSync(path.join(DIST, 'xsell_core_bg.wasm')));
if (signed.demo) put('/xsell/pack.json', signed.demo);
for (const [name, body] of Object.entries(signed)) put(`/bench/packs/${name}.signed.json`, body);
const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
put('/bench/startup.html', page('startup.html', { KEYS: escapeAttr(keys), INSTRUMENT: '' }));
put('/bench/startup-instrumented.html', page('startup.html', {
  KEYS: escapeAttr(keys),
  INSTRUMENT: '<script src="/bench/instrument-wasm.js"></script>\n<script type="module" src="/bench/instrument.js"></script>',
}));
for (const f of ['engine.html', 'engine.js', 'instrument.js', 'instrument-wasm.js']) put(`/bench/${f}`, readFileSync(R('benches', 'web', f)));
put('/favicon.ico', Buffer.alloc(0));

function serve() {
  const server = createServer((req, res) => {
    const p = new URL(req.url, 'http://127.0.0.1').pathname;
    const r = routes.get(p);
    const headers = {
      // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    };
    if (!r || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      return res.end('not found\n');
    }
    headers['Content-Type'] = r.type;
    headers['Content-Length'] = r.body.length;
    headers['Cache-Control'] = r.type.startsWith('text/html') ? 'no-cache' : 'public, max-age=3600, immutable';
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : r.body);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---- native side of (d): criterion's decide/fixtures ------------------------------------
function nativeFixtures() {
  const since = Date.now();
  if (!args.skipNative) {
    quiet('d-native');
    log('native: cargo bench -p xsell --bench decide -- decide/fixtures (about 1-2 minutes; log in target/bench-web/native.log)');
    const r = spawnSync('cargo', ['bench', '-p', 'xsell', '--bench', 'decide', '--', 'decide/fixtures'], {
      cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 15 * 60_000,
    });
    writeFileSync(path.join(OUT, 'native.log'), `${r.stdout || ''}\n${r.stderr || ''}`);
    if (r.error || r.status !== 0) throw new Error(`native bench failed (${r.error ? r.error.message : `exit ${r.status}`}); see target/bench-web/native.log`);
  }
  const dir = R(process.env.CARGO_TARGET_DIR || 'target', 'criterion');
  const out = {};
  let oldest = Infinity;
  const walk = (d) => {
    for (const e of existsSync(d) ? readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name);
      if (!e.isDirectory()) continue;
      if (e.name === 'new' && existsSync(path.join(p, 'estimates.json')) && existsSync(path.join(p, 'benchmark.json'))) {
        const id = JSON.parse(readFileSync(path.join(p, 'benchmark.json'), 'utf8')).full_id;
        if (!id.startsWith('decide/fixtures/')) continue;
        const t = mtime(path.join(p, 'estimates.json'));
        if (!args.skipNative && t < since - 1000) continue; // left over from an older run
        oldest = Math.min(oldest, t);
        out[id.slice('decide/fixtures/'.length)] = JSON.parse(readFileSync(path.join(p, 'estimates.json'), 'utf8')).median.point_estimate / 1000;
      } else walk(p);
    }
  };
  walk(dir);
  return { us: out, measured: Number.isFinite(oldest) ? new Date(oldest).toISOString() : null, ranNow: !args.skipNative };
}

// ---- side modules: benches/web/core (d's breakdown) and benches/web/floor (a1's floor) ----
// Copies benches/web/<name>/ to target/bench-web/<name>/ with the root's lock file (so it is
// measured with the dependency versions that ship) and builds it for wasm32 with cargo.
function buildSide(name, crate) {
  const dir = path.join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const toml = readFileSync(R('benches', 'web', name, 'Cargo.toml'), 'utf8').replace('@XSELL_ROOT@', ROOT.replaceAll('\\', '/'));
  const tomlPath = path.join(dir, 'Cargo.toml');
  if (!existsSync(tomlPath) || readFileSync(tomlPath, 'utf8') !== toml) writeFileSync(tomlPath, toml);
  const lib = readFileSync(R('benches', 'web', name, 'lib.rs'));
  if (!existsSync(path.join(dir, 'lib.rs')) || !readFileSync(path.join(dir, 'lib.rs')).equals(lib)) writeFileSync(path.join(dir, 'lib.rs'), lib);
  copyFileSync(R('Cargo.lock'), path.join(dir, 'Cargo.lock'));
  log(`${name}: building benches/web/${name} for wasm32 (first time about a minute)`);
  run('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown', '--target-dir', path.join(OUT, 'cargo')], { cwd: dir });
  return path.join(OUT, 'cargo', 'wasm32-unknown-unknown', 'release', `${crate}.wasm`);
}

// The size floor (benches/web/floor): the required dependencies and no engine, through the same
// wasm-bindgen and wasm-opt as the shipped module. Null when wasm-bindgen is not cached.
function floorSize() {
  const { wb } = wasmBindgen();
  if (!wb) return null;
  const raw = buildSide('floor', 'xsell_bench_floor');
  const dir = path.join(OUT, 'floor', 'out');
  mkdirSync(dir, { recursive: true });
  run(wb, ['--target', 'web', '--no-typescript', '--out-dir', dir, '--out-name', 'floor', raw]);
  const opt = path.join(dir, 'floor.opt.wasm');
  run(R('node_modules', '.bin', 'wasm-opt'), [...wasmOptFlags(), path.join(dir, 'floor_bg.wasm'), '-o', opt]);
  return { bytes: statSync(opt).size, brotli: brotliSize(opt) };
}

function buildCore() {
  const raw = buildSide('core', 'xsell_bench_core');
  // The same wasm-opt pass as the shipped module (wasm-pack.toml [defaults] wasm-opt).
  const flags = wasmOptFlags();
  const opt = path.join(OUT, 'core.wasm');
  run(R('node_modules', '.bin', 'wasm-opt'), [...flags, raw, '-o', opt]);
  return readFileSync(opt);
}

// ---- the browser --------------------------------------------------------------------------
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function startupLoad(browser, base, file, ctx) {
  const own = !ctx;
  ctx ||= await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const pg = await ctx.newPage();
    const warnings = [];
    pg.on('console', (m) => (m.type() === 'warning' || m.type() === 'error') && warnings.push(m.text()));
    await pg.goto(`${base}/bench/${file}`, { waitUntil: 'load', timeout: 15_000 });
    await pg.waitForFunction(() => window.__bench.frame != null || window.__bench.error != null, null, { timeout: 10_000, polling: 20 });
    const r = await pg.evaluate(() => {
      const B = window.__bench;
      const mark = performance.getEntriesByName('xsell:start')[0];
      const res = {};
      for (const e of performance.getEntriesByType('resource')) {
        const p = new URL(e.name).pathname;
        // count > 1 would mean a preload was not reused and the file was fetched again.
        res[p] = { start: e.startTime, requestStart: e.requestStart, responseEnd: e.responseEnd, transfer: e.transferSize, body: e.decodedBodySize, count: (res[p]?.count || 0) + 1 };
      }
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        start: mark ? mark.startTime : null, card: B.card, offer: B.offer, frame: B.frame, error: B.error,
        calls: B.calls, wasm: B.wasm, res,
        nav: { responseEnd: nav.responseEnd, domInteractive: nav.domInteractive, dcl: nav.domContentLoadedEventStart },
      };
    });
    // Same-context (repeat view) loads keep the HTTP cache, not what the script stored: a
    // ledger with "shown" in it would cap the offer on the next load.
    if (!own) await pg.evaluate(() => { try { localStorage.clear(); sessionStorage.clear(); } catch {} });
    await pg.close();
    r.warnings = warnings.filter((w) => /preload/i.test(w));
    return r;
  } finally {
    if (own) await ctx.close();
  }
}

// Waiting for bytes inside the window: how far past script start each file's last byte came.
const IN_FLIGHT = ['/xsell/xsell_core.js', '/xsell/xsell_core_bg.wasm', '/xsell/pack.json'];
function inFlight(r) {
  let worst = 0;
  for (const p of IN_FLIGHT) if (r.res[p]) worst = Math.max(worst, r.res[p].responseEnd - r.start);
  return worst;
}

async function benchStartup(browser, base, enginePage) {
  log(`(b) ${args.loads} fresh page loads (a new browser context each: empty HTTP cache, no code cache)`);
  const loads = [];
  for (let i = 0; i < args.loads; i++) loads.push(await startupLoad(browser, base, 'startup.html'));
  const bad = loads.filter((r) => r.error || r.card == null || r.start == null);
  if (bad.length) throw new Error(`${bad.length} load(s) rendered no card: ${JSON.stringify(bad[0].error || bad[0]).slice(0, 300)}`);
  const total = loads.map((r) => r.card - r.start);
  const fromFetch = loads.map((r) => r.card - (r.res['/xsell/xsell.js']?.responseEnd ?? NaN));
  const frame = loads.map((r) => r.frame - r.start);
  const fromNav = loads.map((r) => r.card);
  const flight = loads.map(inFlight);

  log(`(b) ${N.instrumented} instrumented fresh loads (phase breakdown)`);
  const inst = [];
  for (let i = 0; i < N.instrumented; i++) inst.push(await startupLoad(browser, base, 'startup-instrumented.html'));
  const phase = (r) => {
    // The loader compiles the module itself (compileStreaming) from its first statement and
    // instantiates it once the glue is imported; an older loader let the glue do both at once
    // (instantiateStreaming). Engine calls in order: setConsent, load, then, when the pack's
    // regional default grants storage, consentDefault and a second setConsent (the store
    // switches to localStorage in place), then decide.
    const calls = (k) => r.calls.filter((c) => c[0] === k);
    const wasm = (k) => r.wasm.find((c) => c[0] === k);
    const compile = wasm('compileStreaming') || wasm('compile') || wasm('instantiateStreaming') || r.wasm[0];
    const inst = wasm('instantiate') && compile && wasm('instantiate') !== compile ? wasm('instantiate') : null;
    const ready = inst || compile;
    const [cons] = calls('setConsent'), [load] = calls('load'), [dec] = calls('decide');
    const between = load && dec ? r.calls.filter((c) => c[1] >= load[2] && c[2] <= dec[1]) : [];
    const sum = (cs) => cs.reduce((a, c) => a + c[2] - c[1], 0);
    const ph = {
      total: r.card - r.start,
      'start -> wasm compile called (loader evaluation)': compile ? compile[1] - r.start : NaN,
      'wasm compile (streaming; lazy: function bodies compile on first call)': compile ? compile[2] - compile[1] : NaN,
      'compile done -> instantiate called (glue import)': inst ? inst[1] - compile[2] : NaN,
      'wasm instantiate': inst ? inst[2] - inst[1] : NaN,
      'instantiate done -> first Engine call (pack bytes, new Engine)': ready && cons ? cons[1] - ready[2] : NaN,
      'Engine.setConsent': cons ? cons[2] - cons[1] : NaN,
      'Engine.load (Ed25519 verify + pack parse/compile)': load ? load[2] - load[1] : NaN,
      'Engine calls between load and decide (consentDefault, setConsent switching to localStorage)': load && dec ? sum(between) : NaN,
      'Engine.load done -> Engine.decide called, outside those calls': load && dec ? dec[1] - load[2] - sum(between) : NaN,
      'Engine.decide (first call)': dec ? dec[2] - dec[1] : NaN,
      'decide done -> card in DOM (render in JS)': dec ? r.card - dec[2] : NaN,
    };
    return ph;
  };
  const phases = inst.filter((r) => r.card != null && !r.error).map(phase);
  const breakdown = {};
  for (const k of Object.keys(phases[0] || {})) breakdown[k] = median(phases.map((p) => p[k]));
  const wasmResponseEnd = median(inst.map((r) => (r.res['/xsell/xsell_core_bg.wasm']?.responseEnd ?? NaN) - r.start));

  log(`(b) ${N.repeat} repeat views in one context (HTTP cache warm), informational`);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const repeat = [];
  try {
    await startupLoad(browser, base, 'startup.html', ctx);
    for (let i = 0; i < N.repeat; i++) repeat.push(await startupLoad(browser, base, 'startup.html', ctx));
  } catch (e) {
    log(`(b) repeat views failed (informational only): ${e.message}`);
  } finally {
    await ctx.close();
  }

  log('(b) Engine.load warm (engine page, 40 loads after 10), to split first-call compilation from the work');
  const warmLoad = await enginePage.evaluate((o) => window.bench.loadLoop(o), { pack: '/bench/packs/demo.signed.json', keys });

  const med = median(total);
  report.details.startup = {
    definition: {
      start: "performance.mark('xsell:start'), the first statement of dist/browser/xsell.js as served (the bench prepends that one statement); by then the module has been fetched, parsed and is executing",
      end: "slot.append(card) returning: the page gives the slot element its own append() that notes performance.now() after Element.prototype.append (the script's render() appends the card with slot.append); the xsell:offer event comes later, after the script records \"shown\" in the engine",
      network: 'every file served from the bench process memory on 127.0.0.1, requested while the HTML parses (<link rel=modulepreload> for the glue, rel=preload for the .wasm and the pack); each load in a new browser context (cold HTTP cache, no V8 or wasm code cache). Included: module evaluation, glue import, wasm compile+instantiate, Ed25519 verify, pack parse+compile, decide, render. Not included: fetching xsell.js itself and anything before it runs. in_flight_ms says how long any of the three files was still arriving after script start (0 = none)',
    },
    loads: loads.length,
    median_ms: med,
    p10_ms: quantile(total, 0.1),
    p90_ms: quantile(total, 0.9),
    max_ms: Math.max(...total),
    from_script_fetched_median_ms: median(fromFetch),
    to_next_frame_median_ms: median(frame),
    from_navigation_start_median_ms: median(fromNav),
    in_flight_ms_max: Math.max(0, ...flight),
    preload_warnings: [...new Set(loads.flatMap((r) => r.warnings))],
    refetched: [...new Set(loads.flatMap((r) => Object.entries(r.res).filter(([, v]) => v.count > 1).map(([k]) => k)))],
    to_offer_event_median_ms: median(loads.map((r) => r.offer - r.start)),
    instrumented: { loads: phases.length, median_ms: breakdown, wasm_last_byte_after_start_ms: wasmResponseEnd },
    engine_load_warm_ms: warmLoad.median_ms,
    repeat_view: { loads: repeat.length, median_ms: median(repeat.map((r) => r.card - r.start)) },
    samples_ms: total,
  };
  verdict('b', `script start -> card in DOM, median of ${loads.length} fresh loads`, med, 'ms', `<= ${TARGET.startupMs} ms`,
    med <= TARGET.startupMs && loads.length >= TARGET.minLoads && !args.quick && !args.jsFlags,
    `p90 ${f1(quantile(total, 0.9))} ms; bytes in flight after start: ${f1(Math.max(0, ...flight))} ms max`);
}

async function benchDecide(pg) {
  const shoppersDir = R('fixtures', 'shoppers');
  const files = readdirSync(shoppersDir).filter((f) => f.endsWith('.json')).sort();
  const rows = [];
  const calls = N.decideBatch * N.decideBatches;
  log(`(c) Engine.decide from JS: ${files.length} demo shoppers x ${int(calls)} calls (batches of ${N.decideBatch}), storage consent (localStorage ledger)`);
  for (const f of files) {
    const signals = JSON.parse(readFileSync(path.join(shoppersDir, f), 'utf8'));
    const r = await pg.evaluate((o) => window.bench.decideLoop(o), {
      pack: '/bench/packs/demo.signed.json', keys, signals, batch: N.decideBatch, batches: N.decideBatches,
    });
    const m = await pg.evaluate((o) => window.bench.decideLoop(o), {
      pack: '/bench/packs/demo.signed.json', keys, signals, batch: N.decideBatch, batches: N.memBatches,
      consent: { storage: false, personalization: true, measurement: true, gpc: false },
    });
    const fixed = await pg.evaluate((o) => window.bench.decideFixedCost(o), {
      pack: '/bench/packs/demo.signed.json', keys, signals, batch: N.decideBatch, batches: N.memBatches,
    });
    rows.push({ shopper: f.replace(/\.json$/, ''), ...r, memory_store_median_us: m.median_us, unknown_placement_median_us: fixed });
  }
  const worst = rows.reduce((a, b) => (b.median_us > a.median_us ? b : a));
  const pooled = median(rows.map((r) => r.median_us));
  report.details.decide = {
    definition: 'Engine.decide(signals, now) called from JS on one Engine loaded with the signed demo pack (fixtures/packs/demo.json), for each demo shopper (fixtures/shoppers/*.json): 2,000 warm-up calls, then batches timed with performance.now(); per-call time = batch time / batch size; the median over batches. Consent granted (storage too: the ledger is read from localStorage on every call, as on a consenting shopper\'s page). memory_store_median_us: the same with storage consent off (ledger in memory). unknown_placement_median_us: the same signals with a placement the pack lacks, so the engine converts the signals, reads the ledger and returns a small Decision without deciding (the per-call cost around decide).',
    calls_per_shopper: calls,
    batch: N.decideBatch,
    shoppers: rows,
  };
  verdict('c', `Engine.decide from JS, demo pack, worst shopper's median (${rows.length} shoppers x ${int(calls)} calls)`, worst.median_us, 'µs', `<= ${TARGET.decideUs} µs`,
    worst.median_us <= TARGET.decideUs && calls >= TARGET.minCalls && !args.quick && !args.jsFlags,
    `worst ${worst.shopper}; median of the shoppers' medians ${f1(pooled)} µs; memory store ${f1(median(rows.map((r) => r.memory_store_median_us)))} µs`);
}

async function benchFixtures(pg, native, core) {
  if (!native) throw nativeError || new Error('no native results');
  const files = readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort();
  log(`(d) ${files.length} fixture cases through the Engine (${int(N.caseBatch * N.caseBatches)} calls each)${core ? ' and the core-only module' : ''}`);
  if (core) await pg.evaluate(([u, p]) => window.bench.coreInit(u, p), ['/bench/core.wasm', Object.fromEntries(readdirSync(packsDir).filter((f) => f.endsWith('.json')).map((f) => [f.replace(/\.json$/, ''), readFileSync(path.join(packsDir, f), 'utf8')]))]);
  const rows = [];
  const mismatches = [];
  for (const f of files) {
    const name = f.replace(/\.json$/, '');
    const text = readFileSync(path.join(casesDir, f), 'utf8');
    const c = JSON.parse(text);
    const e = await pg.evaluate((o) => window.bench.engineCase(o), { pack: `/bench/packs/${c.pack}.signed.json`, keys, c, batch: N.caseBatch, batches: N.caseBatches });
    const want = { outcome: c.expect?.outcome, offer: c.expect?.offer ?? null };
    if (e.outcome !== want.outcome || e.offer !== want.offer) mismatches.push(`${name}: engine gave ${e.outcome}/${e.offer}, expected ${want.outcome}/${want.offer}`);
    const row = { case: name, native_us: native.us[name] ?? NaN, engine_us: e.median_us, engine_p90_us: e.p90_us };
    if (core) {
      const k = await pg.evaluate((o) => window.bench.coreCase(o), { c, text, batch: N.coreBatch, batches: N.coreBatches });
      if (k.outcome !== want.outcome || k.offer !== want.offer) mismatches.push(`${name}: core gave ${k.outcome}/${k.offer}, expected ${want.outcome}/${want.offer}`);
      row.core_us = k.median_us;
      row.ledger_decode_us = k.ledger_decode_us;
      row.json_boundary_us = k.json_boundary_us;
    }
    rows.push(row);
  }
  const missing = rows.filter((r) => !Number.isFinite(r.native_us)).map((r) => r.case);
  const ok = rows.filter((r) => Number.isFinite(r.native_us));
  const nat = sum(ok.map((r) => r.native_us)), eng = sum(ok.map((r) => r.engine_us));
  const ratio = eng / nat;
  const d = {
    definition: 'Per fixture case (fixtures/cases/*.json): native = criterion median of xsell::decide (benches/decide.rs, group decide/fixtures, bench profile); engine = Engine.decide(signals, now) called from JS in Chromium on a fresh Engine with the case\'s consent, its pack signed and loaded and its ledger recorded before timing (median of batch time / batch size); core = xsell::decide inside the wasm module benches/web/core (same release profile and wasm-opt flags as the shipped module) with no JS in between. Ratios are of the corpus totals (sum of the per-case medians).',
    cases: rows.length,
    native_measured: native.measured,
    native_ran_now: native.ranNow,
    native_missing: missing,
    total_native_us: nat,
    total_engine_us: eng,
    ratio_engine_vs_native: ratio,
    geomean_case_ratio_engine: geomean(ok.map((r) => r.engine_us / r.native_us)),
    worst_case_ratio_engine: Math.max(...ok.map((r) => r.engine_us / r.native_us)),
    mismatches,
    rows,
  };
  if (core) {
    const cor = sum(ok.map((r) => r.core_us));
    d.total_core_us = cor;
    d.ratio_core_vs_native = cor / nat;
    d.geomean_case_ratio_core = geomean(ok.map((r) => r.core_us / r.native_us));
    d.total_ledger_decode_us = sum(ok.map((r) => r.ledger_decode_us));
    d.total_json_boundary_us = sum(ok.map((r) => r.json_boundary_us));
    d.ratio_json_boundary_vs_native = d.total_json_boundary_us / nat;
  }
  report.details.fixtures = d;
  if (mismatches.length) log(`(d) WARNING: ${mismatches.length} decision(s) differ from the cases' expectations:\n  ${mismatches.join('\n  ')}`);
  verdict('d', `fixture corpus (${ok.length} cases): wasm Engine.decide from JS / native decide`, ratio, '×', `<= ${TARGET.ratio}×`,
    ratio <= TARGET.ratio && missing.length === 0 && mismatches.length === 0 && !args.quick && !args.jsFlags,
    `${f2(eng / ok.length)} vs ${f2(nat / ok.length)} µs per case${core ? `; core decide alone in wasm ${f2(d.ratio_core_vs_native)}× native` : ''}`);
  if (core) {
    verdict('d*', 'breakdown: xsell::decide inside wasm (no JS) / native', d.ratio_core_vs_native, '×', `(<= ${TARGET.ratio}× if the target meant the core)`,
      d.ratio_core_vs_native <= TARGET.ratio, 'informational, not the target row');
  }
}

// ---- main ------------------------------------------------------------------------------------
const needBrowser = want('b') || want('c') || want('d');
let native = null, core = null;
let nativeError = null;
if (want('d')) {
  try {
    native = nativeFixtures();
    if (!Object.keys(native.us).length) throw new Error('no decide/fixtures results on disk: run without --skip-native');
  } catch (e) {
    nativeError = e;
    log(`(d) native side: ${e.message}`);
  }
  if (!args.skipCore) core = buildCore();
  if (core) put('/bench/core.wasm', core);
}

if (needBrowser) {
  const { chromium } = await import(R('node_modules', 'playwright-core', 'index.mjs'));
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const flags = args.jsFlags ? [...CHROMIUM_ARGS, `--js-flags=${args.jsFlags}`] : CHROMIUM_ARGS;
  const browser = await chromium.launch({ executablePath: args.chromium, args: flags, timeout: 30_000 });
  report.machine.browser = `Chromium ${browser.version()} (headless)`;
  try {
    const ctx = await browser.newContext();
    const pg = await ctx.newPage();
    pg.setDefaultTimeout(300_000);
    await pg.goto(`${base}/bench/engine.html`, { timeout: 15_000 });
    const info = await pg.evaluate(() => window.bench.ready);
    report.machine.crossOriginIsolated = info.crossOriginIsolated;
    // A phase that throws (a pack the built engine refuses, a page that never renders) is
    // reported as an ERROR row; the other phases still run.
    const phase = async (id, name, f) => {
      if (!want(id)) return;
      quiet(id);
      try {
        await f();
      } catch (e) {
        log(`(${id}) failed: ${e.message || e}`);
        verdict(id, name, NaN, '', '', false, `ERROR: ${String(e.message || e).split('\n')[0].slice(0, 300)}`);
      }
    };
    await phase('b', 'script start -> card in DOM', () => benchStartup(browser, base, pg));
    await phase('c', 'Engine.decide from JS, demo pack', () => benchDecide(pg));
    await phase('d', 'fixture corpus: wasm Engine.decide / native decide', () => benchFixtures(pg, native, core));
    await ctx.close();
  } finally {
    await browser.close();
    server.close();
    server.closeAllConnections?.();
  }
}

// ---- output ---------------------------------------------------------------------------------
writeFileSync(args.out, JSON.stringify(report, null, 2) + '\n');
if (args.json) {
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
} else {
  const out = [];
  const fmt = (t) => (!Number.isFinite(t.value) ? 'ERROR' : t.unit === 'B' ? `${int(t.value)} B` : t.unit === '×' ? `${f2(t.value)}×` : `${f1(t.value)} ${t.unit}`);
  out.push(`xsell browser benchmarks — ${report.machine.browser || 'no browser run'}, ${report.machine.cpus} CPU(s), ${report.when}${args.quick ? '  [--quick: not valid for the targets]' : ''}${args.jsFlags ? `  [--js-flags ${args.jsFlags}: not valid for the targets]` : ''}`);
  const busy = Object.entries(report.machine.busy_before || {}).filter(([, v]) => v != null);
  if (busy.length) out.push(`CPU busy with other work just before each phase: ${busy.map(([k, v]) => `${k} ${Math.round(v * 100)}%`).join(', ')}${busy.some(([, v]) => v > 0.25) ? '  (over 25%: those numbers are pessimistic)' : ''}`);
  out.push('');
  const rows = report.targets.map((t) => [t.id, t.name, fmt(t), t.target, t.id.endsWith('*') ? (t.pass ? '(pass)' : '(fail)') : t.pass ? 'PASS' : 'FAIL']);
  const w = [0, 1, 2, 3, 4].map((i) => Math.max(...[['id', 'measure', 'value', 'target', 'result'], ...rows].map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 2 ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join('  ').trimEnd();
  out.push(line(['id', 'measure', 'value', 'target', 'result']));
  out.push(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows) out.push(line(r));
  out.push('');
  for (const t of report.targets) if (t.note) out.push(`  ${t.id}: ${t.note}`);
  const D = report.details;
  if (D.wasmSizes && !D.wasmSizes.error) {
    const s = D.wasmSizes;
    out.push('', `(a) where the .wasm bytes go: ${s.file} = ${s.note}${s.same_as_shipped ? ' (the size of dist/ xsell_core_bg.wasm once its name section is dropped)' : ''}${s.stale ? '; OLDER than dist/: rebuild' : ''}`);
    out.push(`    sections: ${Object.entries(s.sections).map(([k, v]) => `${k} ${int(v)}`).join(', ')}`);
    out.push(`    code by crate: ${s.crates.slice(0, 10).map((c) => `${c.name} ${f1(c.percent)}%`).join(', ')}`);
    out.push(`    code by kind:  ${s.kinds.map((c) => `${c.name} ${f1(c.percent)}%`).join(', ')}`);
    out.push(`    biggest: ${s.functions.slice(0, 6).map((f) => `${f.name.slice(0, 60)} (${int(f.size)})`).join('; ')}`);
  }
  if (D.startup) {
    const s = D.startup;
    out.push('', `(b) "script start" = ${s.definition.start}.`, `    "rendered card" = ${s.definition.end}.`, `    "network excluded" = ${s.definition.network}.`);
    out.push(`    median ${f1(s.median_ms)} ms (p10 ${f1(s.p10_ms)}, p90 ${f1(s.p90_ms)}, max ${f1(s.max_ms)}); from xsell.js's last byte ${f1(s.from_script_fetched_median_ms)} ms; to the next frame ${f1(s.to_next_frame_median_ms)} ms; from navigation start ${f1(s.from_navigation_start_median_ms)} ms; repeat view (warm cache) ${f1(s.repeat_view.median_ms)} ms`);
    if (s.preload_warnings.length) out.push(`    preload warnings: ${s.preload_warnings.join(' | ')}`);
    if (s.refetched.length) out.push(`    WARNING: fetched twice (a preload not reused): ${s.refetched.join(', ')}`);
    out.push(`    to the xsell:offer event (after Engine.record "shown") ${f1(s.to_offer_event_median_ms)} ms`);
    out.push(`    phases, median of ${s.instrumented.loads} instrumented loads (they import the glue before xsell.js, so their total differs):`);
    for (const [k, v] of Object.entries(s.instrumented.median_ms)) out.push(`      ${f1(v).padStart(6)} ms  ${k}`);
    out.push(`    Engine.load of the same pack once warm (code compiled and tiered up): ${f2(s.engine_load_warm_ms)} ms; the rest of the cold Engine.load is first-call compilation`);
  }
  if (D.decide) {
    out.push('', '(c) per demo shopper: median µs per Engine.decide call (p10–p90); memory store; same signals, unknown placement; outcome:');
    for (const r of D.decide.shoppers) out.push(`      ${r.shopper.padEnd(30)} ${f1(r.median_us).padStart(6)} (${f1(r.p10_us)}–${f1(r.p90_us)})  mem ${f1(r.memory_store_median_us).padStart(5)}  unknown ${f1(r.unknown_placement_median_us).padStart(5)}  ${r.outcome}${r.offer ? ' ' + r.offer : ''}`);
  }
  if (D.fixtures) {
    const d = D.fixtures;
    out.push('', `(d) ${d.cases} cases; totals of per-case medians: native ${f1(d.total_native_us)} µs, wasm Engine.decide ${f1(d.total_engine_us)} µs (${f2(d.ratio_engine_vs_native)}×, per-case geomean ${f2(d.geomean_case_ratio_engine)}×, worst ${f2(d.worst_case_ratio_engine)}×)`);
    if (d.total_core_us != null) {
      const per = d.cases || 1;
      out.push(`    breakdown per case (mean of medians): native decide ${f2(d.total_native_us / per)} µs; in wasm: decide ${f2(d.total_core_us / per)} µs (${f2(d.ratio_core_vs_native)}×), Ledger::decode ${f2(d.total_ledger_decode_us / per)} µs, everything else Engine.decide does from JS (signals in through serde-wasm-bindgen, localStorage read, Decision out as JS objects, new id) ${f2((d.total_engine_us - d.total_core_us - d.total_ledger_decode_us) / per)} µs`);
    }
    if (d.total_json_boundary_us != null) out.push(`    what-if (not the shipped API): the same call with JSON text across the boundary (stringify, copy, serde_json in wasm, ledger decode, decide, serialize, JSON.parse) ${f2(d.total_json_boundary_us / (d.cases || 1))} µs per case, ${f2(d.ratio_json_boundary_vs_native)}× native`);
    out.push(`    native results: ${d.native_ran_now ? 'measured by this run' : `from disk (${d.native_measured})`}${d.native_missing.length ? `; MISSING for ${d.native_missing.join(', ')}` : ''}`);
    if (d.mismatches.length) out.push(`    WARNING: ${d.mismatches.length} decision(s) differ from the cases' expect`);
  }
  out.push('', `JSON report: ${path.relative(ROOT, args.out)}`);
  process.stdout.write(out.join('\n') + '\n');
}
const failed = report.targets.filter((t) => !t.id.endsWith('*') && !t.pass).length;
if (failed && process.env.BENCH_STRICT === '1') process.exit(1);
