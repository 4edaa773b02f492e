#!/usr/bin/env bash
# Builds each Go scenario four ways and prints what each tool said, for the table in docs/go.md:
# plain `go build` run with cgocheck=1 (Go's default), GOEXPERIMENT=cgocheck2, `go build -asan`
# (clang-22 + libclang-rt-22-dev), and `ffisan go build`. Not a test: tools disagree by design.
# Usage: test-programs/go/compare-tools.sh [scenario[:arg]...]   (from anywhere; needs `make build`
# first). `:arg` is passed to the program when it runs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ffisan=${FFISAN:-$root/target/release/ffisan}
go=$(command -v go || echo /usr/local/go/bin/go)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  scenarios=(cross_domain_c_thread.go cross_domain_slice_grown.go cross_domain_slice_grown.go:nogc
    cross_domain_map_memory.go
    Inputs/after_callback invalid_free_go_memory.go cstring_use_after_free.go
    c_returns_stack_buffer.go lent_object_overflow.go lent_pointer_kept.go lent_pinned_clean.go
    cross_domain_strict.go Inputs/nested_callbacks
    Inputs/compare/pointer_to_pointer.go Inputs/compare/go_stores_go_pointer.go)
fi

# What the run said, shortened: a sanitizer's or Go's first error line, glibc's abort message.
verdict() {
  local log=$1 rc=$2 line
  for pattern in 'ERROR: AddressSanitizer: [^:]+' 'ERROR: LeakSanitizer: [^:]+' 'ERROR: ffisan: [a-z-]+' \
    '^panic: .*' '^fatal error: .*' '^(free|double free|munmap_chunk|malloc)[^:]*(: .*|\(\) .*)?$'; do
    line=$(grep -m1 -oE "$pattern" "$log") || continue
    line=${line%% on address 0x*}
    grep -q '^SIGABRT' "$log" && line="$line (SIGABRT)"
    echo "${line:0:90}"
    return
  done
  line=$(grep -m1 -oE 'SIG[A-Z]+: [a-z ]+' "$log") && { echo "$line"; return; }
  if [ "$rc" -eq 0 ]; then echo "nothing (exit 0; prints: $(head -c 40 "$log.out" | tr '\n' ' '))"
  else echo "exit $rc"; fi
}

run_variant() { # name scenario[:arg]: build with the variant's tool, run, print the verdict
  local name=$1 scenario=${2%%:*} arg=
  [[ $2 == *:* ]] && arg=${2#*:}
  local src=$here/$scenario bin=$out/$name
  local -a build env_run=()
  case $name in
    cgocheck1) build=("$go" build) ;;
    cgocheck2) build=(env GOEXPERIMENT=cgocheck2 "$go" build) ;;
    asan) build=(env CC=clang-22 CXX=clang++-22 "$go" build -asan) ;;
    ffisan) build=("$ffisan" go build) ;;
  esac
  if [ -d "$src" ]; then
    (cd "$src" && "${build[@]}" -o "$bin" .) >"$bin.build" 2>&1
  else
    (cd "$out" && "${build[@]}" -o "$bin" "$src") >"$bin.build" 2>&1
  fi || { echo "build failed: $(grep -m1 -v '^#' "$bin.build" | head -c 80)"; return; }
  timeout 60 "$bin" ${arg:+"$arg"} >"$bin.log.out" 2>"$bin.log"
  verdict "$bin.log" $?
}

printf '| scenario | cgocheck=1 (default) | GOEXPERIMENT=cgocheck2 | go build -asan | ffisan |\n'
printf '|---|---|---|---|---|\n'
for s in "${scenarios[@]}"; do
  row="| \`$s\`"
  for v in cgocheck1 cgocheck2 asan ffisan; do
    row="$row | $(run_variant "$v" "$s")"
  done
  echo "$row |"
done
