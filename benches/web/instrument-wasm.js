// Classic script for instrumented startup loads: times WebAssembly compilation and
// instantiation (the glue uses instantiateStreaming when the .wasm is served as
// application/wasm, else instantiate).
(() => {
  const B = window.__bench, W = WebAssembly;
  for (const k of ['instantiateStreaming', 'instantiate', 'compileStreaming', 'compile']) {
    const f = W[k];
    if (typeof f != 'function') continue;
    W[k] = function (...a) {
      const t = performance.now();
      const p = f.apply(this, a);
      p.then(() => B.wasm.push([k, t, performance.now()]), () => {});
      return p;
    };
  }
})();
