# workerd config for the edge tests (tests/edge/*.test.mjs) and a local try-out: the worker
# bundle from dist/edge (scripts/build.sh edge) with its settings read from the environment.
#
#   XSELL_KEYS=... XSELL_PACK="$(cat signed.json)" XSELL_COOKIE_SECRET=... \
#     node_modules/.bin/workerd serve tests/edge/workerd.capnp --socket-addr http=127.0.0.1:8788
#
# An unset variable makes its binding null (so set XSELL_PACK or XSELL_PACK_URL, not both).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "xsell", worker = .xsell),
    # The pack source and the origin may be on loopback in tests: allow local addresses.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8788", http = (), service = "xsell")],
);

const xsell :Workerd.Worker = (
  modules = [
    (name = "edge.js", esModule = embed "../../dist/edge/edge.js"),
    (name = "edge-worker.js", esModule = embed "../../dist/edge/edge-worker.js"),
    (name = "xsell_core.js", esModule = embed "../../dist/edge/xsell_core.js"),
    (name = "xsell_core_bg.wasm", wasm = embed "../../dist/edge/xsell_core_bg.wasm"),
  ],
  compatibilityDate = "2026-10-01",
  bindings = [
    (name = "XSELL_KEYS", fromEnvironment = "XSELL_KEYS"),
    (name = "XSELL_PACK", fromEnvironment = "XSELL_PACK"),
    (name = "XSELL_PACK_URL", fromEnvironment = "XSELL_PACK_URL"),
    (name = "XSELL_PACK_TTL", fromEnvironment = "XSELL_PACK_TTL"),
    (name = "XSELL_COOKIE_SECRET", fromEnvironment = "XSELL_COOKIE_SECRET"),
    (name = "XSELL_AUDIENCE", fromEnvironment = "XSELL_AUDIENCE"),
    (name = "XSELL_PREVIEW", fromEnvironment = "XSELL_PREVIEW"),
    (name = "XSELL_ORIGIN", fromEnvironment = "XSELL_ORIGIN"),
    (name = "XSELL_CLOCK_SKEW", fromEnvironment = "XSELL_CLOCK_SKEW"),
  ],
  globalOutbound = "internet",
);
