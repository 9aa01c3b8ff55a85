// Starts workerd (the npm package's real runtime binary) for the edge tests and benchmarks:
// a config file, its settings through the environment (every XSELL_* of this process's own
// environment is dropped first), one free port on 127.0.0.1, and every wait bounded.

import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORKERD = path.join(ROOT, 'node_modules', 'workerd', 'bin', 'workerd');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Serves `config` with `env`. Resolves to { base, pid, stop, output } once `probe` answers at
 * all (within 15 s), else rejects with what workerd printed. `pin` runs it on core 0 (taskset).
 */
export async function startWorkerd(config, env, { pin = false, probe = '/xsell/status' } = {}) {
  const port = await freePort();
  const argv = ['serve', config, '--socket-addr', `http=127.0.0.1:${port}`];
  const [cmd, args] = pin ? ['taskset', ['-c', '0', WORKERD, ...argv]] : [WORKERD, argv];
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XSELL_')));
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  const stop = () => new Promise((resolve) => {
    if (child.exitCode != null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => (clearTimeout(t), resolve()));
    child.kill('SIGTERM');
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode != null) throw new Error(`workerd exited (${child.exitCode}): ${output}`);
    const up = await fetch(`${base}${probe}`, { signal: AbortSignal.timeout(2_000) }).then(() => true, () => false);
    if (up) return { base, pid: child.pid, stop, output: () => output };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`workerd did not answer on ${base} within 15 s: ${output}`);
}
