# The static baseline worker for scripts/bench-edge.mjs (see static.js).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "static", worker = .static)],
  sockets = [(name = "http", address = "127.0.0.1:8789", http = (), service = "static")],
);

const static :Workerd.Worker = (
  modules = [(name = "static.js", esModule = embed "static.js")],
  compatibilityDate = "2026-10-01",
);
