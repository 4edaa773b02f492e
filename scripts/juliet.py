#!/usr/bin/env python3
"""Juliet C/C++ 1.3 memory-safety cases built with ffisan and with ASan: found, missed, false findings.

Usage: scripts/juliet.py JULIET_CHECKOUT [--cwe 121,122,...] [--sample N] [--opt O0,O2]
                         [--jobs N] [--out DIR]

JULIET_CHECKOUT is a checkout of the suite (for example github: arichardson/juliet-test-suite-c);
it is read, never copied into this repository. Each C case (a file, or the files `_NNa.c`, `_NNb.c`,
... of one case) that needs no console, file or socket input is built twice per tool and level:
the bad variant (-DOMITGOOD) must be reported, the good one (-DOMITBAD) must not. A case counts as
found when its stderr carries the tool's `ERROR:` line; a build that fails with plain clang too (a
Windows-only case) is left out. Leak reports are off for both tools: leaks are not what these CWEs
test. Writes DIR/results.json and prints a Markdown table (docs/juliet.md holds one).
"""
import argparse
import collections
import concurrent.futures
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
FFISAN = ROOT / "target" / "release" / "ffisan"
CLANG = "clang-22"
ALL_CWES = ["121", "122", "124", "126", "127", "415", "416", "590", "761"]
# Cases whose bad path needs input this runner does not give them.
NEEDS_INPUT = re.compile(r"(connect_socket|listen_socket|fgets|fscanf|console|_file_|environment)")
TOOL_ERROR = {"ffisan": "ERROR: ffisan:", "asan": "ERROR: AddressSanitizer:"}
RUN_SECONDS = 10
BUILD_SECONDS = 120


def cases_of(cwe_dir: pathlib.Path):
    """The cases of one CWE folder: lists of source files, one list per case, sorted by name."""
    groups = collections.defaultdict(list)
    for src in sorted(cwe_dir.rglob("*.c")):
        if NEEDS_INPUT.search(src.name):
            continue
        m = re.match(r"(.*_\d+)([a-z])\.c$", src.name)
        key = str(src.parent / m.group(1)) if m else str(src.with_suffix(""))
        groups[key].append(src)
    return [groups[k] for k in sorted(groups)]


def sample(cases, n):
    """Every k-th case, so a sample spreads over the whole folder and is the same on every run."""
    if n <= 0 or n >= len(cases):
        return cases
    step = len(cases) / n
    return [cases[int(i * step)] for i in range(n)]


def build(tool, opt, variant, sources, support, out):
    omit = "-DOMITGOOD" if variant == "bad" else "-DOMITBAD"
    flags = [f"-{opt}", "-g", "-DINCLUDEMAIN", omit, "-I", str(support), "-w"]
    files = [str(s) for s in sources] + [str(support / "io.c"), str(support / "std_thread.c")]
    libs = ["-lpthread", "-lm"]
    if tool == "ffisan":
        cmd = [str(FFISAN), "cc", *flags, *files, "-o", str(out), *libs]
    elif tool == "asan":
        cmd = [CLANG, "-fsanitize=address", *flags, *files, "-o", str(out), *libs]
    else:
        cmd = [CLANG, *flags, *files, "-o", str(out), *libs]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=BUILD_SECONDS)
    except subprocess.TimeoutExpired:
        return False, "build timed out"
    return r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]


def run(tool, exe):
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=0"
    env.pop("FFISAN_OPTIONS", None)
    if leak_option_exists():
        env["FFISAN_OPTIONS"] = "detect_leaks=0"
    try:
        r = subprocess.run([str(exe)], stdin=subprocess.DEVNULL, capture_output=True, env=env,
                           timeout=RUN_SECONDS)
        stderr = r.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        stderr = (e.stderr or b"").decode(errors="replace") + "\n(timed out)"
    marker = TOOL_ERROR[tool]
    if marker not in stderr:
        return None
    line = stderr[stderr.index(marker):].splitlines()[0]
    return line[len(marker):].split()[0] if len(line) > len(marker) else "?"


_leak_option = None


def leak_option_exists():
    """Whether this ffisan has `detect_leaks` (an unknown option is an error at start)."""
    global _leak_option
    if _leak_option is None:
        with tempfile.TemporaryDirectory() as d:
            src = pathlib.Path(d) / "h.c"
            src.write_text("int main(void){return 0;}\n")
            exe = pathlib.Path(d) / "h"
            subprocess.run([str(FFISAN), "cc", str(src), "-o", str(exe)], capture_output=True)
            h = subprocess.run([str(exe)], env=dict(os.environ, FFISAN_OPTIONS="help=1"),
                               capture_output=True)
            _leak_option = b"detect_leaks" in h.stdout + h.stderr
    return _leak_option


def one_case(job):
    cwe, sources, support, opt, work = job
    name = sources[0].name.rsplit(".", 1)[0]
    result = {"cwe": cwe, "case": name, "opt": opt}
    with tempfile.TemporaryDirectory(dir=work) as d:
        d = pathlib.Path(d)
        ok, _ = build("plain", opt, "bad", sources, support, d / "plain")
        if not ok:
            result["skipped"] = "does not build with plain clang"
            return result
        for tool in ("ffisan", "asan"):
            for variant in ("bad", "good"):
                exe = d / f"{tool}-{variant}"
                ok, err = build(tool, opt, variant, sources, support, exe)
                if not ok:
                    result[f"{tool}_{variant}"] = "build-failed"
                    result[f"{tool}_{variant}_error"] = err
                    continue
                result[f"{tool}_{variant}"] = run(tool, exe)
    return result


def table(results, opts):
    rows = ["| CWE | level | cases | ASan found | ffisan found | both | only ASan | only ffisan | false (good) ASan / ffisan | build failures ffisan |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    by = collections.defaultdict(list)
    for r in results:
        if "skipped" not in r:
            by[(r["cwe"], r["opt"])].append(r)
    totals = collections.Counter()
    for (cwe, opt), rs in sorted(by.items()):
        found = lambda r, t: r.get(f"{t}_bad") not in (None, "build-failed")
        false = lambda r, t: r.get(f"{t}_good") not in (None, "build-failed")
        a = sum(found(r, "asan") for r in rs)
        f = sum(found(r, "ffisan") for r in rs)
        both = sum(found(r, "asan") and found(r, "ffisan") for r in rs)
        fa = sum(false(r, "asan") for r in rs)
        ff = sum(false(r, "ffisan") for r in rs)
        bf = sum("build-failed" in (r.get("ffisan_bad"), r.get("ffisan_good")) for r in rs)
        rows.append(f"| {cwe} | -{opt} | {len(rs)} | {a} | {f} | {both} | {a - both} | {f - both} | {fa} / {ff} | {bf} |")
        for k, v in (("cases", len(rs)), ("asan", a), ("ffisan", f), ("both", both), ("fa", fa), ("ff", ff), ("bf", bf)):
            totals[(opt, k)] += v
    for opt in opts:
        t = lambda k: totals[(opt, k)]
        rows.append(f"| all | -{opt} | {t('cases')} | {t('asan')} | {t('ffisan')} | {t('both')} | {t('asan') - t('both')} | {t('ffisan') - t('both')} | {t('fa')} / {t('ff')} | {t('bf')} |")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("juliet", type=pathlib.Path)
    ap.add_argument("--cwe", default=",".join(ALL_CWES))
    ap.add_argument("--sample", type=int, default=30, help="cases per CWE (0: all)")
    ap.add_argument("--opt", default="O0,O2")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / "target" / "juliet")
    args = ap.parse_args()
    testcases = args.juliet / "testcases"
    support = args.juliet / "testcasesupport"
    if not testcases.is_dir() or not (support / "io.c").is_file():
        sys.exit(f"fatal error: {args.juliet} is not a checkout of the Juliet C/C++ suite "
                 "(no testcases/ or testcasesupport/io.c)")
    if not FFISAN.is_file():
        sys.exit(f"fatal error: {FFISAN} is missing (run make first)")
    args.out.mkdir(parents=True, exist_ok=True)
    opts = args.opt.split(",")
    jobs = []
    for cwe in args.cwe.split(","):
        dirs = list(testcases.glob(f"CWE{cwe}_*"))
        if not dirs:
            sys.exit(f"fatal error: no folder for CWE-{cwe} under {testcases}")
        for sources in sample(cases_of(dirs[0]), args.sample):
            for opt in opts:
                jobs.append((cwe, sources, support, opt, args.out))
    results = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for i, r in enumerate(pool.map(one_case, jobs), 1):
            results.append(r)
            if i % 20 == 0:
                print(f"{i}/{len(jobs)} cases", file=sys.stderr)
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    print(table(results, opts))


if __name__ == "__main__":
    main()
