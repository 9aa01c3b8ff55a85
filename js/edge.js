// xsell at the edge, the main module for Cloudflare workerd: imports the engine's .wasm as a
// module (edge runtimes do not compile wasm from bytes at run time) and exports the worker.
// Only the default export: workerd takes every named export of the main module as an
// entrypoint. The worker is js/edge-worker.js; its settings are in docs/edge.md.
import wasmModule from './xsell_core_bg.wasm';
import { makeWorker } from './edge-worker.js';

export default makeWorker(wasmModule);
