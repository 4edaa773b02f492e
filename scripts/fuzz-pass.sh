#!/usr/bin/env bash
# `make fuzz-pass`: a differential test of the pass on generated programs. Each csmith program is
# built plain with clang-22 and with `ffisan cc` at every optimisation level, in four variants:
#   as-generated       csmith's program
#   cgo-names          its functions renamed to cgo wrapper names (`func_3` ->
#                      `_cgo_3ca438a15380_Cfunc_func_3`): call windows (they nest), wrapper rules
#   interposable       its functions not static, built -fPIC -fsemantic-interposition: no
#                      interprocedural inference, so a local passed by address escapes and gets a
#                      fake frame at -O1 and above too (csmith's own calls are all seen through)
#   cgo-interposable   both, and -g as cgo builds: fake frames and call windows in one function
#                      (issue 27), with full debug info
# Every ffisan build must compile (no clang crash), print what the plain build of the same variant
# and level prints (csmith prints a checksum), exit the same way and report nothing (no
# `ERROR: ffisan` on stderr). A level at which a plain program does not finish in time is skipped:
# csmith programs may loop for very long. Plain builds that disagree with each other are noted (csmith's
# undefined behaviour or clang's bug, not ffisan's).
# Usage: scripts/fuzz-pass.sh SEED|FIRST-LAST...   e.g. `scripts/fuzz-pass.sh 1-200 977`
# Environment: FUZZ_OPT_LEVELS ("0 1 2 3"), FUZZ_VARIANTS (all four), FUZZ_TIMEOUT (seconds a plain
# run may take, 5; an ffisan run may take FUZZ_SLOWDOWN (10) times as long), FUZZ_COMPILE_TIMEOUT
# (seconds per compile, 120), FUZZ_CSMITH_FLAGS (extra csmith options), FUZZ_KEEP=1 (keep the
# passing seeds' files too). Work files go to target/fuzz-pass/seed-N, removed when the seed passes;
# a failing build keeps its seed's directory (sources, commands, outputs). Status 1 on any failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ffisan="${FFISAN:-$root/target/release/ffisan}"
clang="${FUZZ_CLANG:-/usr/lib/llvm-22/bin/clang}"
csmith_include="${FUZZ_CSMITH_INCLUDE:-/usr/include/csmith}"
opt_levels="${FUZZ_OPT_LEVELS:-0 1 2 3}"
variants="${FUZZ_VARIANTS:-as-generated cgo-names interposable cgo-interposable}"
run_timeout="${FUZZ_TIMEOUT:-5}"
slowdown="${FUZZ_SLOWDOWN:-10}"
compile_timeout="${FUZZ_COMPILE_TIMEOUT:-120}"
work="$root/target/fuzz-pass"
# A cgo wrapper's name: `_cgo_` + 12 hex digits + `_Cfunc_` + the C function's name.
wrapper_prefix="_cgo_3ca438a15380_Cfunc_"

[ $# -gt 0 ] || { grep -m1 '^# Usage' "$0" >&2; exit 2; }
[ -x "$ffisan" ] || { echo "fatal error: $ffisan not found (run make build)" >&2; exit 1; }
command -v csmith >/dev/null || { echo "fatal error: csmith not found (make fuzz-deps)" >&2; exit 1; }
[ -f "$csmith_include/csmith.h" ] || { echo "fatal error: $csmith_include/csmith.h not found (libcsmith-dev)" >&2; exit 1; }

seeds=()
for arg in "$@"; do
  case "$arg" in
    *[!0-9-]* | -* | *-*-*) echo "fatal error: not a seed or FIRST-LAST range: $arg" >&2; exit 2 ;;
    *-*) for ((s = ${arg%-*}; s <= ${arg#*-}; s++)); do seeds+=("$s"); done ;;
    *) seeds+=("$arg") ;;
  esac
done

# The user's runtime options must not change what a clean program prints.
unset FFISAN_OPTIONS
builds=0 passed=0 skipped=0 levels_skipped=0 failures=() plain_differs=()

# fail SEED_DIR WHAT: records one failing build, keeping the seed's files.
fail() {
  failures+=("$2 ($1)")
  echo "  FAIL: $2 (files in $1)"
}

# compile OUT LOG COMPILER...: runs `COMPILER... -o OUT` with a time limit, its output to LOG and the
# command to LOG.cmd; the status of the compile (124 when it timed out).
compile() {
  local out="$1" log="$2"
  shift 2
  printf '%q ' "$@" -o "$out" >"$log.cmd"
  timeout "$compile_timeout" "$@" -o "$out" >"$log" 2>&1
}

# variant_source VARIANT PROG: writes VARIANT's source of csmith's PROG to stdout.
variant_source() {
  local script=()
  case "$1" in *interposable) script+=(-e 's/^static (.*\bfunc_[0-9]+\()/\1/') ;; esac
  case "$1" in cgo-*) script+=(-e "s/\bfunc_([0-9]+)\b/${wrapper_prefix}func_\1/g") ;; esac
  sed -E -e '' "${script[@]}" "$2"
}

# variant_flags VARIANT: its compile flags beyond csmith's include directory.
variant_flags() {
  case "$1" in *interposable) echo "-fPIC -fsemantic-interposition" ;; esac
  case "$1" in cgo-interposable) echo "-g" ;; esac
}

for seed in "${seeds[@]}"; do
  dir="$work/seed-$seed"
  rm -rf "$dir" && mkdir -p "$dir"
  # In the seed's directory: csmith writes a platform.info where it runs.
  if ! (cd "$dir" && csmith --seed "$seed" ${FUZZ_CSMITH_FLAGS:-} -o prog.c >csmith.log 2>&1); then
    echo "seed $seed: skipped (csmith failed)"
    skipped=$((skipped + 1))
    continue
  fi
  for variant in $variants; do
    variant_source "$variant" "$dir/prog.c" >"$dir/$variant.c"
  done
  seed_failures=${#failures[@]}
  skip=""
  skipped_levels=""
  reference=""
  for o in $opt_levels; do
    for variant in $variants; do
      # shellcheck disable=SC2207 # the flags are words
      flags=(-O"$o" -w -I"$csmith_include" $(variant_flags "$variant"))
      src="$dir/$variant.c"
      what="seed $seed -O$o $variant"
      # The plain build of this variant and level is the reference.
      plain="$dir/plain-$variant-O$o"
      # With the frame pointer ffisan cc keeps: clang -O2 -fPIC -fsemantic-interposition
      # -fno-omit-frame-pointer alone makes seed 148 crash, the pass is not needed for that.
      if ! compile "$plain" "$plain.compile" "$clang" -fno-omit-frame-pointer "${flags[@]}" "$src"; then
        skip="the plain build of $variant at -O$o failed"
        break 2
      fi
      timeout "$run_timeout" "$plain" >"$plain.out" 2>"$plain.err"
      plain_status=$?
      if [ "$plain_status" = 124 ]; then
        skipped_levels+=" -O$o"
        continue 2
      fi
      if [ -z "$reference" ]; then
        reference="$plain.out"
      elif ! cmp -s "$reference" "$plain.out"; then
        plain_differs+=("$what")
      fi
      build="$dir/ffisan-$variant-O$o"
      builds=$((builds + 1))
      compile "$build" "$build.compile" "$ffisan" cc "${flags[@]}" "$src"
      status=$?
      if [ "$status" = 124 ]; then
        fail "$dir" "$what: the compile took over ${compile_timeout}s"
        continue
      elif [ "$status" != 0 ] || grep -q "Stack dump:\|PLEASE submit a bug report" "$build.compile"; then
        fail "$dir" "$what: the compile failed (status $status)"
        continue
      fi
      timeout $((run_timeout * slowdown)) "$build" >"$build.out" 2>"$build.err"
      status=$?
      if [ "$status" = 124 ]; then
        fail "$dir" "$what: the run took over $((run_timeout * slowdown))s"
      elif grep -q "ERROR: ffisan" "$build.err"; then
        fail "$dir" "$what: ffisan reported $(grep -m1 -o 'ERROR: ffisan: [a-z-]*' "$build.err" | cut -d' ' -f3)"
      elif [ "$status" != "$plain_status" ] || ! cmp -s "$plain.out" "$build.out"; then
        fail "$dir" "$what: the output or status differs from plain (status $status, plain $plain_status)"
      else
        passed=$((passed + 1))
      fi
    done
  done
  [ -z "$reference" ] && [ -z "$skip" ] && skip="every plain run took over ${run_timeout}s"
  if [ -n "$skip" ]; then
    echo "seed $seed: skipped ($skip)"
    skipped=$((skipped + 1))
  else
    levels_skipped=$((levels_skipped + $(wc -w <<<"$skipped_levels")))
  fi
  if [ -z "$skip" ] && [ "$seed_failures" = ${#failures[@]} ]; then
    echo "seed $seed: ok ($(head -c 40 "$reference" | tr -d '\n')${skipped_levels:+; skipped$skipped_levels: a plain run took over ${run_timeout}s})"
  fi
  [ "$seed_failures" = ${#failures[@]} ] && [ -z "${FUZZ_KEEP:-}" ] && rm -rf "$dir"
done

echo "fuzz-pass: ${#seeds[@]} seeds ($skipped skipped, $levels_skipped more levels skipped); $builds ffisan builds, $passed passed, ${#failures[@]} failed"
for d in "${plain_differs[@]}"; do
  echo "note: plain builds disagree across levels (csmith UB or clang, not ffisan): $d"
done
for f in "${failures[@]}"; do
  echo "FAIL: $f"
done
[ ${#failures[@]} -eq 0 ]
