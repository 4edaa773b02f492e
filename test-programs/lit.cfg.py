# lit configuration for ffisan's test programs: C, Rust and Go programs checked with FileCheck
# against the report they must produce (or the absence of any report), IR tests of the pass, CLI tests.
import os
import shutil

import lit.formats

config.name = "ffisan"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".ll", ".rs", ".test", ".go"]
config.excludes = ["Inputs", "Output", "lit.cfg.py", "lit.local.cfg"]
config.test_source_root = os.path.dirname(__file__)

root = os.path.dirname(config.test_source_root)
bin_dir = os.environ.get("FFISAN_HOME", os.path.join(root, "target", "release"))
config.test_exec_root = os.path.join(root, "target", "lit")
llvm_bin = "/usr/lib/llvm-22/bin"

ffisan = os.path.join(bin_dir, "ffisan")
plugin = os.path.join(bin_dir, "libffisan_pass.so")
go = shutil.which("go") or "/usr/local/go/bin/go"

# `lit -D opt_level=3`: every RUN line built at -O2 (C, C++) or opt-level=2 (Rust) is built at
# that level instead (`make lit-o3`), so each finding the tests expect at -O2 is shown to survive
# -O3's extra inlining, unrolling and vectorizing, and each clean program to stay clean.
opt_level = lit_config.params.get("opt_level")
if opt_level:
    config.substitutions.append((r"(?<=\s)-O2(?=\s)", "-O" + opt_level))
    config.substitutions.append((r"(?<=\s)opt-level=2(?=\s)", "opt-level=" + opt_level))

# Longer names first: lit substitutes in order and %ffisan is a prefix of the others.
config.substitutions.append(("%ffisan_cc", ffisan + " cc"))
config.substitutions.append(("%ffisan_cxx", ffisan + " c++"))
config.substitutions.append(("%ffisan", ffisan))
config.substitutions.append(("%opt_ffisan", "%s/opt -load-pass-plugin=%s -passes=ffisan" % (llvm_bin, plugin)))
config.substitutions.append(("%pass_plugin", plugin))
config.substitutions.append(("%rt_dir", bin_dir))
config.substitutions.append(("%clang", os.path.join(llvm_bin, "clang")))
config.substitutions.append(("%go", go))
config.substitutions.append(("%root", root))

# FileCheck, not, count from LLVM 22; the host PATH after them (go, rustc, cargo).
path = [llvm_bin, os.path.dirname(go), os.path.expanduser("~/.cargo/bin"), os.environ.get("PATH", "")]
config.environment["PATH"] = os.pathsep.join(path)
for var in ["HOME", "GOPATH", "GOCACHE", "GOMODCACHE", "GOFLAGS", "CARGO_HOME", "RUSTUP_HOME", "TMPDIR"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]
# Tests state their own options; a developer's FFISAN_OPTIONS must not leak in.
config.environment.pop("FFISAN_OPTIONS", None)
config.environment["GOTOOLCHAIN"] = "local"

if shutil.which("go", path=os.pathsep.join(path)):
    config.available_features.add("go")
if shutil.which("cmake", path=os.pathsep.join(path)):
    config.available_features.add("cmake")
if shutil.which("rustc", path=os.pathsep.join(path)):
    config.available_features.add("rustc")

# go build -asan links only against a runtime that defines the whole interface Go's runtime/asan
# calls (an ffisan built from an older tree may not): the Go-side tests need it.
GO_ASAN_INTERFACE = {
    "__asan_region_is_poisoned", "__asan_report_error", "__asan_poison_memory_region",
    "__asan_unpoison_memory_region", "__asan_register_globals", "__lsan_register_root_region",
    "__lsan_unregister_root_region", "__lsan_do_leak_check",
}
try:
    import subprocess
    nm = subprocess.run([os.path.join(llvm_bin, "llvm-nm"), "-D", "--defined-only",
                         os.path.join(bin_dir, "libffisan_rt.so")],
                        capture_output=True, text=True, check=False).stdout
    if GO_ASAN_INTERFACE <= {line.split()[-1] for line in nm.splitlines() if line.split()}:
        config.available_features.add("go-asan-interface")
except OSError:
    pass
