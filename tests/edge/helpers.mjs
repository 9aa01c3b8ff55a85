// Shared fixtures for the edge tests (node --test tests/edge/): workerd (the npm package's real
// runtime binary) started on 127.0.0.1 with tests/edge/workerd.capnp, settings passed through its
// environment, and the ledger cookie's format, rebuilt here from docs/edge.md to check the
// worker against it.
//
// Needs `scripts/build.sh edge` (dist/edge/) and `cargo build -q -p xsell-cli` (target/debug/xsell);
// scripts/test.sh runs both first. Every wait is bounded.

import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorkerd as serve } from '../../scripts/workerd.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const XSELL = path.join(ROOT, 'target/debug/xsell');
export const CONFIG = path.join(ROOT, 'tests/edge/workerd.capnp');
export const EDGE_DIST = path.join(ROOT, 'dist/edge');
export const SECRET = 'test-only-cookie-secret';
export const LEDGER_COOKIE = 'xsell_l';
export const SESSION_COOKIE = 'xsell_s';

/** Runs the xsell CLI; returns its stdout. */
export function cli(...args) {
  return execFileSync(XSELL, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}

/**
 * Starts workerd with the worker from dist/edge and `env` as its settings (XSELL_KEYS,
 * XSELL_PACK or XSELL_PACK_URL, ...; XSELL_COOKIE_SECRET defaults to SECRET). Resolves to
 * { base, stop, output } once it answers, or rejects after 15 s with what it printed.
 */
export async function startWorkerd(env) {
  for (const f of ['edge.js', 'edge-worker.js', 'xsell_core.js', 'xsell_core_bg.wasm']) {
    if (!existsSync(path.join(EDGE_DIST, f))) throw new Error(`dist/edge/${f} is missing: run scripts/build.sh edge`);
  }
  return serve(CONFIG, { XSELL_COOKIE_SECRET: SECRET, ...env });
}

/** The ledger cookie's value for a ledger text, as docs/edge.md specifies it. */
export function sealLedger(text, secret = SECRET) {
  const body = `1.${text}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The ledger text inside a ledger cookie value, after checking its MAC; null if it fails. */
export function openLedger(value, secret = SECRET) {
  const i = value.lastIndexOf('.');
  const body = value.slice(0, i);
  if (!body.startsWith('1.') || createHmac('sha256', secret).update(body).digest('base64url') !== value.slice(i + 1)) return null;
  return body.slice(2);
}

/** The cookies a response sets, by name: { value, attrs } (attrs lower-cased). */
export function setCookies(res) {
  const out = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const i = pair.indexOf('=');
    out[pair.slice(0, i).trim()] = { value: pair.slice(i + 1).trim(), attrs: attrs.map((a) => a.trim().toLowerCase()) };
  }
  return out;
}

/** A cookie jar across requests: `header()` for the request, `take(res)` after it. */
export function jar() {
  const c = {};
  return {
    header: () => Object.entries(c).map(([k, v]) => `${k}=${v}`).join('; '),
    take(res) {
      for (const [k, { value, attrs }] of Object.entries(setCookies(res))) {
        if (attrs.includes('max-age=0')) delete c[k];
        else c[k] = value;
      }
    },
  };
}

export const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));
