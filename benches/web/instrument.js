// Loaded only by instrumented startup loads (scripts/bench-web.mjs): wraps the engine's
// methods and WebAssembly instantiation to time the phases of start-up. It imports the glue
// before xsell.js does, so instrumented loads are reported apart from the clean ones.
import * as M from '/xsell/xsell_core.js';

const B = window.__bench;
const P = M.Engine.prototype;
for (const k of ['setConsent', 'load', 'consentDefault', 'decide', 'record', 'flush']) {
  const f = P[k];
  if (typeof f != 'function') continue;
  P[k] = function (...a) {
    const t = performance.now();
    try {
      return f.apply(this, a);
    } finally {
      B.calls.push([k, t, performance.now()]);
    }
  };
}
