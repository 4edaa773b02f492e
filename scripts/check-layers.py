#!/usr/bin/env python3
"""Fails when a part of the runtime calls a part above it (docs/design.md, "The runtime's parts"),
or when modules of the pass or the CLI import each other in a loop.

Reads every `crate::<name>` path outside `#[cfg(test)]` code. In runtime/src a path into a part
higher in LAYERS than the file's own part is an upward call. In a crate given with --no-loops, the
modules (files, or folders with a mod.rs) must import each other without a cycle. Run by `make lint`.
"""
import pathlib
import re
import sys

# Bottom first. "root" is every file directly in runtime/src but lib.rs and init.rs ("init").
LAYERS = ["root", "threads", "traces", "report", "regions", "heap", "leaks", "checks", "interface", "init"]


def part_of(path: pathlib.Path, src: pathlib.Path) -> str:
    rel = path.relative_to(src)
    if len(rel.parts) > 1:
        return rel.parts[0]
    return "init" if rel.stem in ("init", "lib") else "root"


def module_loops(src: pathlib.Path) -> list:
    """Cycles among a crate's top-level modules (a file, or a folder and everything in it)."""
    names = {p.stem for p in src.glob("*.rs")} | {p.name for p in src.iterdir() if p.is_dir()}
    names -= {"main", "lib"}
    uses = {n: set() for n in names}
    for path in src.rglob("*.rs"):
        rel = path.relative_to(src)
        me = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if me not in uses:
            continue
        code = path.read_text().split("#[cfg(test)]")[0]
        uses[me] |= {m.group(1) for m in re.finditer(r"crate::([a-z_]+)", code)} & names - {me}
    loops, done = [], set()

    def walk(n, trail):
        if n in trail:
            loop = trail[trail.index(n):] + [n]
            if frozenset(loop) not in done:
                done.add(frozenset(loop))
                loops.append(f"{src}: modules import each other in a loop: {' -> '.join(loop)}")
            return
        for m in sorted(uses[n]):
            walk(m, trail + [n])

    for n in sorted(names):
        walk(n, [])
    return loops


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] == "--no-loops":
        loops = [loop for crate in args[1:] for loop in module_loops(pathlib.Path(crate))]
        for loop in loops:
            print(loop)
        return 1 if loops else 0
    src = pathlib.Path(args[0] if args else "runtime/src")
    roots = {p.stem for p in src.glob("*.rs")} - {"lib", "init"}
    upward = []
    for path in sorted(src.rglob("*.rs")):
        part = part_of(path, src)
        if part not in LAYERS:
            upward.append(f"{path}: part '{part}' is not in LAYERS (scripts/check-layers.py)")
            continue
        code = path.read_text().split("#[cfg(test)]")[0]
        for m in re.finditer(r"crate::([a-z_]+)", code):
            target = "root" if m.group(1) in roots else m.group(1)
            if target not in LAYERS:
                continue
            if target != part and LAYERS.index(target) > LAYERS.index(part):
                line = code.count("\n", 0, m.start()) + 1
                upward.append(f"{path}:{line}: {part} calls up into {m.group(0)}")
    for u in upward:
        print(u)
    if upward:
        print(f"{len(upward)} call(s) go up a layer; see docs/design.md, \"The runtime's parts\"")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
