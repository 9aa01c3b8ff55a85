#!/usr/bin/env python3
"""Biggest contributors to a .wasm module's code section, by function and by crate.

Reads the `name` custom section, so run it on a module built before names are stripped
(target/wasm32-unknown-unknown/release/xsell.wasm). Usage: wasm-sizes.py FILE [TOP]
"""
import re
import sys
from collections import Counter


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def main():
    data = open(sys.argv[1], "rb").read()
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    i, imports, bodies, names = 8, 0, [], {}
    while i < len(data):
        sid = data[i]
        n, i = leb(data, i + 1)
        end = i + n
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
    fns = [(size, names.get(imports + n, f"func[{imports + n}]")) for n, size in enumerate(bodies)]
    total = sum(s for s, _ in fns)
    print(f"code: {total} bytes in {len(fns)} functions")
    crates = Counter()
    for size, name in fns:
        m = re.search(r"(?:<|^|\s)(?:_<)?([a-z_][a-z0-9_]*)::", name)
        crates[m.group(1) if m else "?"] += size
    print("\nby crate:")
    for c, s in crates.most_common(top):
        print(f"  {s:>8}  {100 * s / total:5.1f}%  {c}")
    print("\nby function:")
    for s, name in sorted(fns, reverse=True)[:top]:
        print(f"  {s:>8}  {name[:110]}")


if __name__ == "__main__":
    main()
