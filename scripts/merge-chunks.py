#!/usr/bin/env python3
"""Merges the splitter's shared chunks into two (run by scripts/split.sh).

wasm-split-cli puts every function that two or more split points reach into a chunk of its own
for each set of split points that reach it: with a workbench and a dozen lessons that is hundreds
of small modules, and a lesson's first opening waits for fifty requests. But every lesson loads
after the workbench (the ANCHOR), so the chunks become two: what the anchor shares with any other
split point (chunk_common, loaded with the anchor), and what only the others share
(chunk_shared, loaded with the first of them). The second holds code that a given lesson may
never run (about 70 KB gzipped today); that costs less than the round trips it saves.

The chunks do not call each other by import: each imports only the main module's memory, its
function table and its stack pointer (from "__wasm_split"), and fills its own slots of the table
and of memory with active segments. So merging is binaryen's wasm-merge, given a "hub" module
that imports those once and exports them to every chunk (merged modules that imported the same
memory separately would otherwise get a memory each). The loader script (__wasm_split.js) then
lists, for each split point, the merged chunks that hold what it needs.

usage: merge-chunks.py SPLIT_DIR ANCHOR [wasm-merge feature flags...]
"""
import os
import re
import subprocess
import sys
import tempfile

SHARED = "__wasm_split"
HUB = "hub"
# The code the anchor (the split point loaded before the others) shares with any other, and
# the code only the others share.
ANCHORED = "chunk_common"
SHARED_OUT = "chunk_shared"


def leb(data, i):
    """Reads an unsigned LEB128 at i: (value, next index)."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def uleb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def name(text):
    raw = text.encode()
    return uleb(len(raw)) + raw


def sections(module):
    """The module's sections as (id, body) pairs."""
    assert module[:8] == b"\0asm\1\0\0\0", "not a wasm module"
    i, out = 8, []
    while i < len(module):
        sid = module[i]
        size, i = leb(module, i + 1)
        out.append((sid, module[i : i + size]))
        i += size
    return out


def assemble(parts):
    out = bytearray(b"\0asm\1\0\0\0")
    for sid, body in parts:
        out += bytes([sid]) + uleb(len(body)) + body
    return bytes(out)


def imports(body):
    """The entries of an import section: (module, field, kind, descriptor bytes)."""
    count, i = leb(body, 0)
    out = []
    for _ in range(count):
        n, i = leb(body, i)
        module = body[i : i + n].decode()
        i += n
        n, i = leb(body, i)
        field = body[i : i + n].decode()
        i += n
        kind, start = body[i], i + 1
        i = start
        if kind == 0:  # function: type index
            _, i = leb(body, i)
        elif kind == 1:  # table: reference type, limits
            i = limits(body, i + 1)
        elif kind == 2:  # memory: limits
            i = limits(body, i)
        elif kind == 3:  # global: value type, mutability
            i += 2
        else:
            raise ValueError(f"import kind {kind}")
        out.append((module, field, kind, body[start:i]))
    return out


def limits(body, i):
    flags = body[i]
    _, i = leb(body, i + 1)
    if flags & 1:
        _, i = leb(body, i)
    return i


def import_section(entries):
    out = bytearray(uleb(len(entries)))
    for module, field, kind, desc in entries:
        out += name(module) + name(field) + bytes([kind]) + desc
    return bytes(out)


def merge(split_dir, chunks, out, features):
    """Merges the chunk files `chunks` of split_dir into out.wasm, and removes them."""
    hub_imports = {}
    with tempfile.TemporaryDirectory() as work:
        args = []
        for chunk in chunks:
            parts = sections(open(os.path.join(split_dir, chunk), "rb").read())
            rewritten = []
            for sid, body in parts:
                if sid == 2:
                    entries = imports(body)
                    for module, field, kind, desc in entries:
                        if module != SHARED:
                            raise SystemExit(f"{chunk} imports {module}.{field}: not merged")
                        # Every chunk asks for the same table and memory; keep the largest
                        # minimum size asked for all the same.
                        known = hub_imports.get((field, kind))
                        if known is None or (len(desc), desc) > (len(known), known):
                            hub_imports[(field, kind)] = desc
                    body = import_section([(HUB, f, k, d) for _, f, k, d in entries])
                rewritten.append((sid, body))
            path = os.path.join(work, chunk)
            open(path, "wb").write(assemble(rewritten))
            args += [path, chunk[:-5]]
        # The hub imports each shared item once and exports it under the same name.
        entries = [(SHARED, f, k, d) for (f, k), d in sorted(hub_imports.items())]
        kinds_seen = {}
        exports = bytearray(uleb(len(entries)))
        for _, field, kind, _ in entries:
            index = kinds_seen.get(kind, 0)
            kinds_seen[kind] = index + 1
            exports += name(field) + bytes([kind]) + uleb(index)
        hub = os.path.join(work, "hub.wasm")
        open(hub, "wb").write(assemble([(2, import_section(entries)), (7, bytes(exports))]))
        # A build for profiling (SPACETIME_WASM_OPT_EXTRA=-g, see split.sh) keeps the function
        # names here too: wasm-merge drops them otherwise.
        debug = ["-g"] if "-g" in os.environ.get("SPACETIME_WASM_OPT_EXTRA", "").split() else []
        subprocess.run(
            ["wasm-merge", hub, HUB, *args, "-o", os.path.join(split_dir, out + ".wasm"), *features, *debug],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    for chunk in chunks:
        os.remove(os.path.join(split_dir, chunk))


def loader_block(out):
    return (
        f"/* merged */\nconst __{out} = makeLoad(() => {{\n"
        f'    const src = fetch(new URL("./{out}.wasm", import.meta.url));\n'
        "    src.catch(() => {});\n"
        "    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n"
        "}\n, []);\n"
    )


def main():
    split_dir, anchor, features = sys.argv[1], sys.argv[2], sys.argv[3:]
    loader = os.path.join(split_dir, "__wasm_split.js")
    js = open(loader, encoding="utf-8").read()
    # /* split point, split point */ const __chunk_N = makeLoad(() => { ...("./chunk_N.wasm"...
    block = re.compile(
        r"/\* ([^*]*) \*/\nconst (__chunk_\d+) = makeLoad\(\(\) => \{\n"
        r'\s*const src = fetch\(new URL\("\./(chunk_\d+\.wasm)".*?\n\}\n, \[\]\);\n',
        re.S,
    )
    groups = {ANCHORED: [], SHARED_OUT: []}
    group_of = {}
    for m in block.finditer(js):
        group = ANCHORED if anchor in m.group(1).split(", ") else SHARED_OUT
        groups[group].append(m.group(3))
        group_of[m.group(2)] = group
    if not group_of:
        return
    first = block.search(js)
    js = js[: first.start()] + "".join(
        loader_block(g) for g in groups if groups[g]
    ) + block.sub("", js[first.start() :])

    def deps(m):
        names = sorted({group_of[d] for d in re.findall(r"__chunk_\d+", m.group(0))})
        return "[" + ", ".join(f"__{g}" for g in names) + "]"

    js = re.sub(r"\[__chunk_\d+(?:, __chunk_\d+)*\]", deps, js)
    if re.search(r"__chunk_\d+", js):
        raise SystemExit("merge-chunks: the loader still names a merged chunk")
    for group, chunks in groups.items():
        if chunks:
            merge(split_dir, chunks, group, features)
    open(loader, "w", encoding="utf-8").write(js)
    print(", ".join(f"{len(c)} chunks into {g}.wasm" for g, c in groups.items() if c))


if __name__ == "__main__":
    main()
