#!/usr/bin/env node
// The demo server: serves the demo storefront (www/), the browser build of xsell and the signed
// pack on 127.0.0.1, and collects the events the drop-in script sends. Node only, no
// dependencies. Used by scripts/demo.sh and by the end-to-end tests.
//
//   node scripts/serve.mjs --port 8080 --root www --xsell dist/browser \
//       --pack target/demo/demo.signed.json --keys target/demo/demo.pub \
//       [--events target/demo/events.jsonl] [--pack-route NAME=FILE]... [--csp "POLICY"]
//
// Routes (GET and HEAD unless noted; everything is sent with Cache-Control: no-store):
//   /xsell/pack.json     the --pack file, as application/json
//   /xsell/NAME          a --pack-route NAME=FILE (NAME may also be a full path starting with
//                        "/"); for serving tampered, expired or rolled-back packs in tests
//   /xsell/*             files from the --xsell directory (xsell.js, xsell_core.js, the .wasm)
//   POST /events         appends the body (one JSON value, a JSON array of them, or NDJSON) to the
//                        --events file, one JSON value per line (an array gives one line per
//                        element); answers 204 (400 for a body that is not JSON, 413 over 1 MiB).
//                        Without --events the body is checked and dropped.
//   /*                   files from --root; "/" and "/dir/" serve index.html, "/dir" redirects
//                        to "/dir/". In .html files {{XSELL_KEYS}} becomes the public keys from
//                        --keys (comma-separated, HTML-attribute-escaped), and --csp, when given,
//                        is sent as the Content-Security-Policy of HTML responses.
//   anything else        404. Paths with "..", "." segments, dot-files, backslashes, NUL or
//                        encoded slashes are refused with 404; symlinks may not leave the root.
//
// --port 0 picks a free port. Once listening it prints `listening http://127.0.0.1:PORT` on
// stdout. Files are read on every request, so tests may rewrite a pack between requests (a
// --pack-route file may even be missing: that route then answers 404).
// --keys takes a file of public keys (one a line, blank lines and # comments skipped) or a key
// text ("ed25519:…"); it may be repeated or comma-separated, as for `xsell --keys`.
// Exit codes: 0 after SIGINT/SIGTERM, 1 when a file is missing or the port is taken, 2 usage.

import { createServer } from 'node:http';
import { appendFile, readFile, realpath, stat } from 'node:fs/promises';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const USAGE = `usage: node scripts/serve.mjs --root DIR --xsell DIR --pack FILE --keys KEYS
                  [--port N] [--events FILE] [--pack-route NAME=FILE]... [--csp POLICY]`;
const MAX_EVENT_BODY = 1 << 20;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

function usage(message) {
  if (message) process.stderr.write(`serve: ${message}\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
function fail(message) {
  process.stderr.write(`serve: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { port: 8080, packRoutes: new Map(), keys: [], csp: null, events: null };
  const single = new Set(['--port', '--root', '--xsell', '--pack', '--events', '--csp']);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (!single.has(arg) && arg !== '--keys' && arg !== '--pack-route') usage(`unknown argument: ${argv[i]}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      value = argv[++i];
    }
    switch (arg) {
      case '--port': {
        if (!/^\d+$/.test(value) || Number(value) > 65535) usage(`--port: not a port number: ${value}`);
        opts.port = Number(value);
        break;
      }
      case '--keys':
        opts.keys.push(...value.split(',').map((s) => s.trim()).filter(Boolean));
        break;
      case '--pack-route': {
        const at = value.indexOf('=');
        if (at <= 0 || at === value.length - 1) usage(`--pack-route: expected NAME=FILE, got ${value}`);
        let name = value.slice(0, at);
        const file = value.slice(at + 1);
        if (!name.startsWith('/')) name = `/xsell/${name}`;
        if (name.includes('..') || name.includes('\\') || name.includes('\0')) usage(`--pack-route: bad name ${name}`);
        opts.packRoutes.set(name, path.resolve(file));
        break;
      }
      default:
        opts[arg.slice(2)] = value;
    }
  }
  for (const need of ['root', 'xsell', 'pack']) if (!opts[need]) usage(`--${need} is required`);
  if (!opts.keys.length) usage('--keys is required');
  return opts;
}

/** The public keys for data-keys: key texts and the keys in key files, comma-separated. */
function readKeys(items) {
  const keys = [];
  for (const item of items) {
    if (item.startsWith('ed25519:')) {
      keys.push(item);
      continue;
    }
    for (const line of readFileSync(item, 'utf8').split(/\r?\n/)) {
      const t = line.trim();
      if (t && !t.startsWith('#')) keys.push(t);
    }
  }
  return keys.join(',');
}

const escapeAttr = (s) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Maps a URL path under a directory to a file in it, or null when the path is not acceptable.
 * Refuses anything that could name a file outside `dir`, and dot-files.
 */
async function resolveIn(dir, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (/%2f|%5c/i.test(urlPath) || decoded.includes('\\') || decoded.includes('\0')) return null;
  const segments = decoded.split('/').slice(1);
  for (const [i, seg] of segments.entries()) {
    if (seg === '' && i !== segments.length - 1) return null; // "//"
    if (seg.startsWith('.')) return null; // ".", "..", dot-files
  }
  let file = path.join(dir, ...segments);
  if (decoded.endsWith('/')) file = path.join(file, 'index.html');
  if (file !== dir && !file.startsWith(dir + path.sep)) return null;
  let real;
  try {
    real = await realpath(file);
  } catch {
    return { missing: true, file };
  }
  if (real !== dir && !real.startsWith(dir + path.sep)) return null; // a symlink out of the root
  return { file: real };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = path.resolve(opts.root);
  const xsellDir = path.resolve(opts.xsell);
  const pack = path.resolve(opts.pack);
  const events = opts.events ? path.resolve(opts.events) : null;

  for (const [flag, dir] of [['--root', root], ['--xsell', xsellDir]]) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      fail(`${flag} ${dir}: no such directory${flag === '--xsell' ? ' (build it with scripts/build.sh browser)' : ''}`);
    }
  }
  if (!existsSync(pack)) fail(`--pack ${pack}: no such file (sign one with xsell pack sign)`);
  try {
    if (!readKeys(opts.keys)) fail('--keys names no public key');
  } catch (err) {
    fail(`--keys: ${err.message}`);
  }
  const realRoot = realpathSyncSafe(root);
  const realXsell = realpathSyncSafe(xsellDir);

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      process.stderr.write(`serve: ${req.method} ${req.url}: ${err.stack || err}\n`);
      if (!res.headersSent) send(res, req, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });

  async function handle(req, res) {
    let url;
    try {
      url = new URL(req.url, 'http://127.0.0.1');
    } catch {
      return send(res, req, 400, 'text/plain; charset=utf-8', 'bad request\n');
    }
    const p = url.pathname;
    if (p === '/events') {
      if (req.method !== 'POST') return send(res, req, 405, 'text/plain; charset=utf-8', 'POST only\n', { Allow: 'POST' });
      return postEvents(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, req, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
    }
    if (p === '/xsell/pack.json') return sendFile(res, req, pack, MIME['.json']);
    if (opts.packRoutes.has(p)) return sendFile(res, req, opts.packRoutes.get(p), MIME['.json']);
    if (p.startsWith('/xsell/')) {
      const hit = await resolveIn(realXsell, p.slice('/xsell'.length));
      return hit && !hit.missing ? sendFile(res, req, hit.file) : notFound(res, req);
    }
    const hit = await resolveIn(realRoot, p);
    if (!hit) return notFound(res, req);
    if (hit.missing) return notFound(res, req);
    const st = await stat(hit.file);
    if (st.isDirectory()) {
      // "/sleep" → "/sleep/", so relative links and index.html work.
      return send(res, req, 308, 'text/plain; charset=utf-8', '', { Location: `${p}/${url.search}` });
    }
    return sendFile(res, req, hit.file);
  }

  async function sendFile(res, req, file, type) {
    let body;
    try {
      const st = await stat(file);
      if (!st.isFile()) return notFound(res, req);
      body = await readFile(file);
    } catch {
      return notFound(res, req);
    }
    const ext = path.extname(file).toLowerCase();
    const mime = type || MIME[ext] || 'application/octet-stream';
    const headers = {};
    if (ext === '.html') {
      const keys = escapeAttr(readKeys(opts.keys));
      body = Buffer.from(body.toString('utf8').replaceAll('{{XSELL_KEYS}}', keys), 'utf8');
      if (opts.csp) headers['Content-Security-Policy'] = opts.csp;
    }
    return send(res, req, 200, mime, body, headers);
  }

  async function postEvents(req, res) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_EVENT_BODY) {
        send(res, req, 413, 'text/plain; charset=utf-8', 'body too large\n', { Connection: 'close' });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8').trim();
    const values = [];
    try {
      if (text) {
        const value = JSON.parse(text); // one JSON value; an array is a batch of events
        values.push(...(Array.isArray(value) ? value : [value]));
      }
    } catch {
      try {
        // NDJSON: one JSON value a line.
        for (const line of text.split(/\r?\n/)) if (line.trim()) values.push(JSON.parse(line));
      } catch {
        return send(res, req, 400, 'text/plain; charset=utf-8', 'body is neither JSON nor NDJSON\n');
      }
    }
    if (events && values.length) {
      await appendFile(events, values.map((v) => `${JSON.stringify(v)}\n`).join(''));
    }
    return send(res, req, 204);
  }

  server.on('error', (err) => {
    if (err.code === 'EADDRINUSE') fail(`port ${opts.port} on 127.0.0.1 is in use (pick another with --port, or PORT=… for make demo)`);
    fail(err.message);
  });
  server.listen(opts.port, '127.0.0.1', () => {
    process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function realpathSyncSafe(dir) {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

function notFound(res, req) {
  return send(res, req, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function send(res, req, status, type, body, extra = {}) {
  const headers = {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  };
  if (type) headers['Content-Type'] = type;
  if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

main();
