#!/usr/bin/env python3
"""Juliet C/C++ 1.3 memory-safety cases built with ffisan and with ASan: found, missed, false findings.

Usage: scripts/juliet.py JULIET_CHECKOUT [--cwe 121,122,...] [--sample N] [--match REGEX]
                         [--opt O0,O2] [--jobs N] [--out DIR]
       scripts/juliet.py - --from-results DIR/results.json

JULIET_CHECKOUT is a checkout of the suite (for example github: arichardson/juliet-test-suite-c);
it is read, never copied into this repository. Each C case (a file, or the files `_NNa.c`, `_NNb.c`,
... of one case) that needs no console, file or socket input is built twice per tool and level:
the bad variant (-DOMITGOOD) must be reported, the good one (-DOMITBAD) must not. A case counts as
found when its stderr carries the tool's `ERROR:` line. A case whose build fails with both tools (a
Windows-only case) is left out and counted apart; a build that fails with one tool only is that
tool's build failure. A run that outlives RUN_SECONDS is a timeout, counted apart from a miss.
`srand` is pinned to a seed whose first 16 `rand()` values are odd, so both tools take the same
paths and `globalReturnsTrueOrFalse()` (flow variant 12) takes its first, flawed, branch. Leak
reports are off for both tools: leaks are not what these CWEs test. Writes DIR/results.json, prints a
Markdown table (docs/juliet.md holds one) and then every case where the tools disagree or a good
variant is reported.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
FFISAN = ROOT / "target" / "release" / "ffisan"
CLANG = "clang-22"
TOOLS = ("ffisan", "asan")
ALL_CWES = ["121", "122", "124", "126", "127", "415", "416", "590", "761"]
# Cases whose bad path needs input this runner does not give them.
NEEDS_INPUT = re.compile(r"(connect_socket|listen_socket|fgets|fscanf|console|_file_|environment)")
TOOL_ERROR = {"ffisan": "ERROR: ffisan:", "asan": "ERROR: AddressSanitizer:"}
RUN_SECONDS = 10
BUILD_SECONDS = 120
# glibc's srand and srandom share rand()'s state; with this seed the first 16 rand() are odd.
FIXED_SEED = 26127
PIN_SEED_C = f"""#include <stdlib.h>
/* The runner's: the same rand() sequence in every build and run (see scripts/juliet.py). */
void srand(unsigned seed) {{ (void)seed; srandom({FIXED_SEED}u); }}
"""


def cases_of(cwe_dir: pathlib.Path):
    """The cases of one CWE folder: lists of source files, one list per case, sorted by name."""
    groups = collections.defaultdict(list)
    for src in sorted(cwe_dir.rglob("*.c")):
        if NEEDS_INPUT.search(src.name):
            continue
        m = re.match(r"(.*_\d+)([a-z])\.c$", src.name)
        key = str(src.parent / m.group(1)) if m else str(src.with_suffix(""))
        groups[key].append(src)
    return [groups[k] for k in sorted(groups, key=lambda k: pathlib.Path(k).name)]


def sample(cases, n):
    """Every k-th case, so a sample spreads over the whole folder and is the same on every run."""
    if n <= 0 or n >= len(cases):
        return cases
    step = len(cases) / n
    return [cases[int(i * step)] for i in range(n)]


def compile_cmd(tool, flags, files, out, link=True):
    extra = [] if link else ["-c"]
    if tool == "ffisan":
        return [str(FFISAN), "cc", *flags, *extra, *files, "-o", str(out)]
    return [CLANG, "-fsanitize=address", *flags, *extra, *files, "-o", str(out)]


def base_flags(opt, support):
    return [f"-{opt}", "-g", "-DINCLUDEMAIN", "-I", str(support), "-w"]


def build_support(tool, opt, support, work: pathlib.Path):
    """io.c, std_thread.c and the seed pin, compiled once per tool and level (built by the tool:
    printLine's printf is where many CWE-416 cases read freed memory)."""
    d = work / f"support-{tool}-{opt}"
    d.mkdir(parents=True, exist_ok=True)
    pin = work / "pin_seed.c"
    pin.write_text(PIN_SEED_C)
    objs = []
    for src in (support / "io.c", support / "std_thread.c", pin):
        obj = d / (src.stem + ".o")
        r = subprocess.run(compile_cmd(tool, base_flags(opt, support), [str(src)], obj, link=False),
                           capture_output=True, timeout=BUILD_SECONDS)
        if r.returncode != 0:
            sys.exit(f"fatal error: {src} does not build with {tool} -{opt}:\n"
                     + r.stderr.decode(errors="replace"))
        objs.append(str(obj))
    return objs


def build(tool, opt, variant, sources, support, support_objs, out):
    omit = "-DOMITGOOD" if variant == "bad" else "-DOMITBAD"
    files = [str(s) for s in sources] + support_objs
    cmd = compile_cmd(tool, [*base_flags(opt, support), omit], files, out) + ["-lpthread", "-lm"]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=BUILD_SECONDS)
    except subprocess.TimeoutExpired:
        return False, "build timed out"
    return r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]


def run(tool, exe, leak_env):
    """(kind or None, how the run ended, the report's SUMMARY line)."""
    env = dict(os.environ)
    env.pop("FFISAN_OPTIONS", None)
    env["ASAN_OPTIONS"] = "detect_leaks=0"
    env.update(leak_env)
    try:
        r = subprocess.run([str(exe)], stdin=subprocess.DEVNULL, capture_output=True, env=env,
                           timeout=RUN_SECONDS)
        stderr = r.stderr.decode(errors="replace")
        if r.returncode < 0:
            ended = "signal " + signal.Signals(-r.returncode).name
        else:
            ended = f"exit {r.returncode}"
    except subprocess.TimeoutExpired as e:
        stderr = (e.stderr or b"").decode(errors="replace")
        ended = "timeout"
    summary = next((ln for ln in stderr.splitlines() if ln.startswith("SUMMARY:")), None)
    marker = TOOL_ERROR[tool]
    if marker not in stderr:
        return None, ended, summary
    return kind_of(stderr[stderr.index(marker):].splitlines()[0][len(marker):], summary), ended, summary


def kind_of(error_rest, summary):
    """The finding's kind: the SUMMARY line's (ASan's `ERROR:` line says `attempting double-free`,
    its SUMMARY `double-free`), else the first word after `ERROR: tool:`."""
    words = summary.split() if summary else []
    if len(words) >= 3:
        return words[2]
    words = error_rest.split()
    return words[0].rstrip(":") if words else "?"


def leak_env():
    """FFISAN_OPTIONS turning leak reports off, if this ffisan has `detect_leaks` (an unknown option
    is an error at start)."""
    with tempfile.TemporaryDirectory() as d:
        src = pathlib.Path(d) / "h.c"
        src.write_text("int main(void){return 0;}\n")
        exe = pathlib.Path(d) / "h"
        subprocess.run([str(FFISAN), "cc", str(src), "-o", str(exe)], capture_output=True)
        h = subprocess.run([str(exe)], env=dict(os.environ, FFISAN_OPTIONS="help=1"),
                           capture_output=True)
        return {"FFISAN_OPTIONS": "detect_leaks=0"} if b"detect_leaks" in h.stdout + h.stderr else {}


def one_case(job):
    cwe, sources, support, objs, opt, work, lenv = job
    name = re.sub(r"(_\d+)[a-z]$", r"\1", sources[0].name.rsplit(".", 1)[0])
    result = {"cwe": cwe, "case": name, "opt": opt}
    with tempfile.TemporaryDirectory(dir=work) as d:
        d = pathlib.Path(d)
        built = {}
        for tool in TOOLS:
            for variant in ("bad", "good"):
                exe = d / f"{tool}-{variant}"
                ok, err = build(tool, opt, variant, sources, support, objs[(tool, opt)], exe)
                built[(tool, variant)] = ok
                if not ok:
                    result[f"{tool}_{variant}_error"] = err
        if not any(built.values()):
            result["skipped"] = "does not build with either tool"
            return result
        for (tool, variant), ok in built.items():
            key = f"{tool}_{variant}"
            if not ok:
                result[key] = "build-failed"
                continue
            kind, ended, summary = run(tool, d / f"{tool}-{variant}", lenv)
            result[key] = kind
            result[key + "_ended"] = ended
            if summary:
                result[key + "_summary"] = summary
    return result


def reported(r, key):
    return r.get(key) not in (None, "build-failed")


def table(results, opts):
    rows = ["| CWE | level | cases | ASan found | ffisan found | of which only a SEGV ASan / ffisan "
            "| both | ASan only (ffisan missed) | ffisan only | false on good ASan / ffisan "
            "| build failures ASan / ffisan | timeouts ASan / ffisan | left out (no build) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    by = collections.defaultdict(list)
    skipped = collections.Counter()
    for r in results:
        if "skipped" in r:
            skipped[(r["cwe"], r["opt"])] += 1
        else:
            by[(r["cwe"], r["opt"])].append(r)
    totals = collections.Counter()
    keys = sorted(set(by) | set(skipped), key=lambda k: (opts.index(k[1]), int(k[0])))
    for cwe, opt in keys:
        rs = by[(cwe, opt)]
        c = {
            "cases": len(rs),
            "asan": sum(reported(r, "asan_bad") for r in rs),
            "ffisan": sum(reported(r, "ffisan_bad") for r in rs),
            "both": sum(reported(r, "asan_bad") and reported(r, "ffisan_bad") for r in rs),
            "fa": sum(reported(r, "asan_good") for r in rs),
            "ff": sum(reported(r, "ffisan_good") for r in rs),
            "ba": sum("build-failed" in (r.get("asan_bad"), r.get("asan_good")) for r in rs),
            "bf": sum("build-failed" in (r.get("ffisan_bad"), r.get("ffisan_good")) for r in rs),
            "sa": sum(r.get("asan_bad") == "SEGV" for r in rs),
            "sf": sum(r.get("ffisan_bad") == "SEGV" for r in rs),
            "ta": sum("timeout" in (r.get("asan_bad_ended"), r.get("asan_good_ended")) for r in rs),
            "tf": sum("timeout" in (r.get("ffisan_bad_ended"), r.get("ffisan_good_ended")) for r in rs),
            "skip": skipped[(cwe, opt)],
        }
        for k, v in c.items():
            totals[(opt, k)] += v
        rows.append(row(cwe, opt, c))
    for opt in opts:
        rows.append(row("all", opt, {k: totals[(opt, k)] for k in
                                     ("cases", "asan", "ffisan", "sa", "sf", "both", "fa", "ff",
                                      "ba", "bf", "ta", "tf", "skip")}))
    return "\n".join(rows)


def row(cwe, opt, c):
    return (f"| {cwe} | -{opt} | {c['cases']} | {c['asan']} | {c['ffisan']} | {c['sa']} / {c['sf']} "
            f"| {c['both']} "
            f"| {c['asan'] - c['both']} | {c['ffisan'] - c['both']} | {c['fa']} / {c['ff']} "
            f"| {c['ba']} / {c['bf']} | {c['ta']} / {c['tf']} | {c['skip']} |")


def discrepancies(results):
    """One line per case and level where the tools disagree, a good variant is reported, or a build
    or run did not end normally for one tool."""
    lines = []
    for r in sorted(results, key=lambda r: (r["cwe"], r["case"], r["opt"])):
        if "skipped" in r:
            continue
        notes = []
        fa, ff = reported(r, "asan_bad"), reported(r, "ffisan_bad")
        if fa and not ff:
            notes.append(f"ffisan missed ({r.get('ffisan_bad')}, {r.get('ffisan_bad_ended')}); "
                         f"ASan: {r['asan_bad']}")
        if ff and not fa:
            notes.append(f"ASan missed ({r.get('asan_bad')}, {r.get('asan_bad_ended')}); "
                         f"ffisan: {r['ffisan_bad']}")
        for tool in TOOLS:
            if reported(r, f"{tool}_good"):
                notes.append(f"{tool} false finding on good: {r[f'{tool}_good']}")
            for variant in ("bad", "good"):
                if r.get(f"{tool}_{variant}") == "build-failed":
                    notes.append(f"{tool} {variant} build failed")
                if r.get(f"{tool}_{variant}_ended") == "timeout":
                    notes.append(f"{tool} {variant} timed out")
        if notes:
            lines.append(f"- {r['case']} -{r['opt']}: " + "; ".join(notes))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("juliet", type=pathlib.Path)
    ap.add_argument("--cwe", default=",".join(ALL_CWES))
    ap.add_argument("--sample", type=int, default=30, help="cases per CWE (0: all)")
    ap.add_argument("--match", type=re.compile, default=None,
                    help="only cases whose name matches this regular expression (before sampling)")
    ap.add_argument("--opt", default="O0,O2")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / "target" / "juliet")
    ap.add_argument("--from-results", type=pathlib.Path, default=None,
                    help="print the table and the disagreements of an earlier run's results.json")
    args = ap.parse_args()
    if args.from_results:
        results = json.loads(args.from_results.read_text())
        for r in results:
            for tool in TOOLS:
                for variant in ("bad", "good"):
                    key = f"{tool}_{variant}"
                    if r.get(key) not in (None, "build-failed"):
                        r[key] = kind_of(r[key], r.get(key + "_summary"))
        print(table(results, args.opt.split(",")))
        print()
        print(discrepancies(results))
        return
    testcases = args.juliet / "testcases"
    support = args.juliet / "testcasesupport"
    if not testcases.is_dir() or not (support / "io.c").is_file():
        sys.exit(f"fatal error: {args.juliet} is not a checkout of the Juliet C/C++ suite "
                 "(no testcases/ or testcasesupport/io.c)")
    if not FFISAN.is_file():
        sys.exit(f"fatal error: {FFISAN} is missing (run make first)")
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out.resolve()
    opts = args.opt.split(",")
    objs = {(tool, opt): build_support(tool, opt, support, work) for tool in TOOLS for opt in opts}
    lenv = leak_env()
    jobs = []
    for cwe in args.cwe.split(","):
        dirs = list(testcases.glob(f"CWE{cwe}_*"))
        if not dirs:
            sys.exit(f"fatal error: no folder for CWE-{cwe} under {testcases}")
        cases = cases_of(dirs[0])
        if args.match:
            cases = [c for c in cases if args.match.search(c[0].name)]
        for sources in sample(cases, args.sample):
            for opt in opts:
                jobs.append((cwe, sources, support, objs, opt, work, lenv))
    results = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for i, r in enumerate(pool.map(one_case, jobs), 1):
            results.append(r)
            if i % 20 == 0:
                print(f"{i}/{len(jobs)} cases", file=sys.stderr, flush=True)
            if i % 100 == 0:
                (args.out / "results.json").write_text(json.dumps(results, indent=1))
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    print(table(results, opts))
    print()
    print(discrepancies(results))


if __name__ == "__main__":
    main()
