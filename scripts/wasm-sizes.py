#!/usr/bin/env python3
"""Where a .wasm module's bytes go: sections, and the code section by crate, by kind and by
function, with Rust symbol names demangled (legacy `_ZN…E` and v0 `_R…`).

Reads the `name` custom section, so run it on a module whose names are kept: the cargo output
target/wasm32-unknown-unknown/release/xsell.wasm (before wasm-bindgen and wasm-opt, so bigger
than what ships), or better, that file through wasm-bindgen --keep-debug and wasm-opt -g with
the build's flags, which is the shipped module plus a name section (scripts/bench-web.mjs
makes it as target/bench-web/named/xsell_core_bg.wasm).

Usage: wasm-sizes.py [--json] FILE [TOP]      (TOP rows per table, default 25)

A generic function is counted where its symbol puts it: `<serde_core::…::MapAccessDeserializer<A>
as …>::deserialize_any` is serde_core's code even when A is one of xsell's types (legacy
mangling does not name A). "by kind" groups by what the code does instead.
"""
import json
import re
import sys
from collections import Counter

SECTION_NAMES = {1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
                 7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount",
                 13: "tag"}


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


# ---- demangling ----------------------------------------------------------------------------

LEGACY_ESCAPES = {"SP": "@", "BP": "*", "RF": "&", "LT": "<", "GT": ">", "LP": "(", "RP": ")",
                  "C": ","}


def demangle_legacy(sym):
    """`_ZN3foo3bar17h0123456789abcdefE` -> `foo::bar`; None if it is not one."""
    m = re.match(r"^_?_ZN(.*)E$", sym)
    if not m:
        return None
    s, i, parts = m.group(1), 0, []
    while i < len(s):
        n = re.match(r"\d+", s[i:])
        if not n:
            return None
        i += len(n.group(0))
        ln = int(n.group(0))
        parts.append(s[i:i + ln])
        i += ln
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    out = []
    for p in parts:
        if p.startswith("_$"):
            p = p[1:]

        def esc(mm):
            code = mm.group(1)
            if code in LEGACY_ESCAPES:
                return LEGACY_ESCAPES[code]
            if code.startswith("u"):
                try:
                    return chr(int(code[1:], 16))
                except ValueError:
                    return mm.group(0)
            return mm.group(0)

        p = re.sub(r"\$([A-Za-z0-9]+)\$", esc, p).replace("..", "::")
        out.append(p)
    return "::".join(out)


class V0:
    """A small v0 (RFC 2603) demangler: paths, generic args, types, consts; enough for names."""
    BASIC = {"a": "i8", "b": "bool", "c": "char", "d": "f64", "e": "str", "f": "f32", "h": "u8",
             "i": "isize", "j": "usize", "l": "i32", "m": "u32", "n": "i128", "o": "u128",
             "s": "i16", "t": "u16", "u": "()", "v": "...", "x": "i64", "y": "u64", "z": "!",
             "p": "_"}

    def __init__(self, s):
        self.s, self.i, self.depth = s, 0, 0

    def peek(self):
        return self.s[self.i] if self.i < len(self.s) else ""

    def take(self, c):
        if self.peek() == c:
            self.i += 1
            return True
        return False

    def b62(self):
        if self.take("_"):
            return 0
        n = 0
        while True:
            c = self.peek()
            self.i += 1
            if c == "_":
                return n + 1
            if c.isdigit():
                d = ord(c) - 48
            elif "a" <= c <= "z":
                d = ord(c) - 97 + 10
            elif "A" <= c <= "Z":
                d = ord(c) - 65 + 36
            else:
                raise ValueError("base62")
            n = n * 62 + d

    def disamb(self):
        if self.take("s"):
            self.b62()

    def ident(self):
        self.disamb()
        puny = self.take("u")
        m = re.match(r"\d+", self.s[self.i:])
        if not m:
            raise ValueError("ident")
        self.i += len(m.group(0))
        n = int(m.group(0))
        self.take("_")
        name = self.s[self.i:self.i + n]
        self.i += n
        return ("punycode:" + name) if puny else name

    def backref(self, f):
        pos = self.b62()
        save = self.i
        self.i = pos  # positions count from after "_R" (self.s starts there)
        self.depth += 1
        if self.depth > 64:
            raise ValueError("backref depth")
        try:
            return f()
        finally:
            self.depth -= 1
            self.i = save

    def path(self):
        c = self.peek()
        self.i += 1
        if c == "C":
            return self.ident()
        if c == "M":
            self.disamb()
            self.path()
            return "<" + self.type() + ">"
        if c == "X":
            self.disamb()
            self.path()
            t = self.type()
            return "<" + t + " as " + self.path() + ">"
        if c == "Y":
            t = self.type()
            return "<" + t + " as " + self.path() + ">"
        if c == "N":
            ns = self.peek()
            self.i += 1
            inner = self.path()
            name = self.ident()
            if ns.isupper():  # closure, shim, …
                return f"{inner}::{{{'closure' if ns == 'C' else 'shim' if ns == 'S' else ns}{':' + name if name else ''}}}"
            return f"{inner}::{name}" if name else inner
        if c == "I":
            p = self.path()
            args = []
            while not self.take("E"):
                args.append(self.generic_arg())
            args = [a for a in args if a is not None]
            return f"{p}<{', '.join(args)}>" if args else p
        if c == "B":
            return self.backref(self.path)
        raise ValueError("path " + c)

    def generic_arg(self):
        if self.take("L"):
            self.b62()
            return None
        if self.take("K"):
            return self.const()
        return self.type()

    def const(self):
        if self.take("p"):
            return "_"
        if self.take("B"):
            return self.backref(self.const)
        t = self.type()
        neg = self.take("n")
        m = re.match(r"[0-9a-f]*_", self.s[self.i:])
        if not m:
            raise ValueError("const")
        self.i += len(m.group(0))
        hexd = m.group(0)[:-1]
        if t == "bool":
            return "true" if hexd == "1" else "false"
        v = int(hexd or "0", 16)
        return f"{'-' if neg else ''}{v}"

    def binder(self):
        if self.take("G"):
            self.b62()

    def type(self):
        c = self.peek()
        if c in self.BASIC and c != "":
            self.i += 1
            return self.BASIC[c]
        self.i += 1
        if c == "A":
            t = self.type()
            return f"[{t}; {self.const()}]"
        if c == "S":
            return f"[{self.type()}]"
        if c in "RQ":
            if self.take("L"):
                self.b62()
            return ("&" if c == "R" else "&mut ") + self.type()
        if c in "PO":
            return ("*const " if c == "P" else "*mut ") + self.type()
        if c == "F":
            self.binder()
            unsafe = self.take("U")
            if self.take("K"):
                if not self.take("C"):
                    self.ident_abi()
            args = []
            while not self.take("E"):
                args.append(self.type())
            ret = self.type()
            return f"{'unsafe ' if unsafe else ''}fn({', '.join(args)}) -> {ret}"
        if c == "D":
            self.binder()
            bounds = []
            while not self.take("E"):
                p = self.path()
                while self.take("p"):
                    self.ident_abi()
                    self.type()
                bounds.append(p)
            if self.take("L"):
                self.b62()
            return "dyn " + " + ".join(bounds)
        if c == "T":
            ts = []
            while not self.take("E"):
                ts.append(self.type())
            return "(" + ", ".join(ts) + ("," if len(ts) == 1 else "") + ")"
        if c == "B":
            return self.backref(self.type)
        self.i -= 1
        return self.path()

    def ident_abi(self):
        m = re.match(r"\d+", self.s[self.i:])
        if not m:
            raise ValueError("abi")
        self.i += len(m.group(0))
        self.take("_")
        self.i += int(m.group(0))


def demangle_v0(sym):
    m = re.match(r"^_?_R(.*)$", sym)
    if not m:
        return None
    body = m.group(1)
    body = re.sub(r"^\d+", "", body)  # encoding version
    try:
        d = V0(body)
        out = d.path()
        return out
    except (ValueError, IndexError, RecursionError):
        return None


def demangle(sym):
    # The name section may carry "name.llvm.123" or "name.cold" suffixes.
    base = re.sub(r"\.(llvm\.\d+|cold|\d+)$", "", sym)
    out = demangle_legacy(base) or demangle_v0(base) or base
    # wasm-bindgen (--keep-debug) writes names already demangled, with hashes: drop them.
    out = re.sub(r"\[[0-9a-f]{16}\]", "", out)
    return re.sub(r"::h[0-9a-f]{16}$", "", out)


def crate_of(name):
    """The first path's crate: `<serde_json::de::Deserializer<R> as …>::x` -> serde_json."""
    if name.startswith("__wbindgen_describe"):
        return "wasm_bindgen (describe fns; wasm-bindgen removes them)"
    if re.match(r"(__wbg_|__wbindgen|__externref)", name):
        return "wasm_bindgen"
    if re.match(r"[a-z][A-Za-z]*_[A-Za-z]+_[0-9a-f]{16}$", name) or name.endswith(" externref shim"):
        return "xsell (#[wasm_bindgen] export shims)"
    if re.match(r"<(char|bool|str|[iuf](8|16|32|64|128|size))>::", name):
        return "core"
    m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    if not m:
        return "?" if not name.startswith("func[") else "(unnamed)"
    return m.group(1)


KINDS = [
    ("wasm-bindgen describe fns (removed by wasm-bindgen; not in dist/)", r"^__wbindgen_describe"),
    ("JS glue (wasm-bindgen, js-sys, web-sys, serde-wasm-bindgen)",
     r"\b(wasm_bindgen|js_sys|web_sys|serde_wasm_bindgen)\b|^(__wbindgen|__wbg|__externref)|_[0-9a-f]{16}$"),
    ("serde (derive impls, serde_json, path tracking)",
     r"\b(serde|serde_core|serde_json|serde_path_to_error)\b|Deserializ|Serializ|Visitor|MapAccess|SeqAccess"),
    ("crypto (ed25519, curve25519, sha2)", r"\b(ed25519|ed25519_dalek|curve25519_dalek|sha2|digest|block_buffer|subtle)\b"),
    ("base64", r"\bbase64\b"),
    ("formatting and float printing", r"\bcore::fmt|flt2dec|\bzmij\b|\bryu\b|\bitoa\b|dragon|grisu|\bfmt::"),
    ("allocator and collections", r"\b(dlmalloc|alloc)::|hashbrown|RawVec"),
    ("panics and std runtime", r"panicking|\bstd::|\bpanic"),
    ("xsell: load and compile (pack, conditions, templates, envelope)", r"\bxsell::(pack|condition|load|envelope|lint)"),
    ("xsell: decide, ledger, signals, consent", r"\bxsell::(decision|ledger|signals|consent)"),
    ("xsell: wasm adapter (Engine methods and their export shims)", r"\bxsell::wasm| externref shim$"),
    ("xsell: other", r"\bxsell::"),
]


def kind_of(name):
    for label, rx in KINDS:
        if re.search(rx, name):
            return label
    return "other (core, compiler builtins, unnamed)"


def parse(data):
    if data[:4] != b"\0asm":
        raise SystemExit("not a wasm module")
    i, imports, bodies, names = 8, 0, [], {}
    sections = Counter()
    while i < len(data):
        sid = data[i]
        n, i = leb(data, i + 1)
        end = i + n
        label = SECTION_NAMES.get(sid, f"id{sid}")
        if sid == 0:
            l, j = leb(data, i)
            cname = data[j:j + l].decode("utf-8", "replace")
            label = f"custom:{cname}"
        sections[label] += end - i
        if sid == 2:  # imports: count function imports (they are numbered first)
            cnt, j = leb(data, i)
            for _ in range(cnt):
                for _ in range(2):
                    l, j = leb(data, j)
                    j += l
                kind = data[j]
                j += 1
                if kind == 0:
                    _, j = leb(data, j)
                    imports += 1
                elif kind == 1:
                    j += 1
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 2:
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 3:
                    j += 2
                else:
                    _, j = leb(data, j)
        elif sid == 10:
            cnt, j = leb(data, i)
            for _ in range(cnt):
                size, j = leb(data, j)
                bodies.append(size)
                j += size
        elif sid == 0:
            l, j = leb(data, i)
            if data[j:j + l] == b"name":
                j += l
                while j < end:
                    sub = data[j]
                    sn, j = leb(data, j + 1)
                    if sub == 1:
                        cnt, k = leb(data, j)
                        for _ in range(cnt):
                            idx, k = leb(data, k)
                            ln, k = leb(data, k)
                            names[idx] = data[k:k + ln].decode("utf-8", "replace")
                            k += ln
                    j += sn
        i = end
    return sections, imports, bodies, names


def main():
    argv = sys.argv[1:]
    as_json = "--json" in argv
    argv = [a for a in argv if a != "--json"]
    if not argv:
        raise SystemExit(__doc__)
    data = open(argv[0], "rb").read()
    top = int(argv[1]) if len(argv) > 1 else 25
    sections, imports, bodies, names = parse(data)
    fns = []
    for n, size in enumerate(bodies):
        raw = names.get(imports + n, f"func[{imports + n}]")
        fns.append((size, demangle(raw)))
    total = sum(s for s, _ in fns) or 1
    crates, kinds = Counter(), Counter()
    for size, name in fns:
        crates[crate_of(name)] += size
        kinds[kind_of(name)] += size
    if as_json:
        json.dump({
            "file_bytes": len(data),
            "sections": dict(sections.most_common()),
            "code_bytes": total,
            "functions_count": len(fns),
            "crates": [{"name": c, "bytes": s, "percent": 100 * s / total} for c, s in crates.most_common(top)],
            "kinds": [{"name": c, "bytes": s, "percent": 100 * s / total} for c, s in kinds.most_common()],
            "functions": [{"name": nm, "size": s} for s, nm in sorted(fns, reverse=True)[:top]],
        }, sys.stdout, indent=1)
        print()
        return
    print(f"file: {len(data)} bytes; sections: " + ", ".join(f"{k} {v}" for k, v in sections.most_common()))
    print(f"code: {total} bytes in {len(fns)} functions")
    print("\nby crate:")
    for c, s in crates.most_common(top):
        print(f"  {s:>8}  {100 * s / total:5.1f}%  {c}")
    print("\nby kind:")
    for c, s in kinds.most_common():
        print(f"  {s:>8}  {100 * s / total:5.1f}%  {c}")
    print("\nby function:")
    for s, name in sorted(fns, reverse=True)[:top]:
        print(f"  {s:>8}  {name[:120]}")


if __name__ == "__main__":
    main()
