#!/usr/bin/env python3
"""Prints wasm-pack.toml's outputs as |-separated lines for scripts/build.sh:
name, target, out-dir, out-name, profile, features (comma list), loader scripts (space list),
wasm-opt flags."""
import sys
import tomllib

with open("wasm-pack.toml", "rb") as f:
    cfg = tomllib.load(f)
d = cfg.get("defaults", {})
wanted = set(sys.argv[1:])
for o in cfg.get("output", []):
    if wanted and o["name"] not in wanted:
        continue
    print("|".join([
        o["name"],
        o.get("target", "web"),
        o["out-dir"],
        o.get("out-name", d.get("out-name", "xsell_core")),
        o.get("profile", d.get("profile", "release")),
        ",".join(o.get("features", [])),
        " ".join(o["loader"]) if isinstance(o.get("loader"), list) else o.get("loader", ""),
        " ".join(o.get("wasm-opt", d.get("wasm-opt", []))),
    ]))
