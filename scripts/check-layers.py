#!/usr/bin/env python3
"""Fails when a part of the runtime calls a part above it (docs/design.md, "The runtime's parts").

Reads every `crate::<part>` path in runtime/src outside `#[cfg(test)]` code; a path into a part
higher in LAYERS than the file's own part is an upward call. Run by `make lint`.
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


def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runtime/src")
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
