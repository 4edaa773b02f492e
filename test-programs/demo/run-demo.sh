#!/usr/bin/env bash
# `make demo`: builds a few of the test programs with `ffisan cc`, runs them and shows their reports,
# then summarises all findings with `ffisan report`.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ffisan="$root/target/release/ffisan"
out=$(mktemp -d /tmp/ffisan-demo.XXXXXX)
programs=(
  c/heap_use_after_free_read.c
  c/heap_buffer_overflow_write.c
  c/double_free.c
  c/invalid_free_literal.c
  c/write_to_readonly_literal.c
  c/stack_use_after_return_same_depth.c
)
for rel in "${programs[@]}"; do
  src="$root/test-programs/$rel"
  [ -f "$src" ] || continue
  name=$(basename "$rel" .c)
  printf '\n\033[1m=== %s: %s\033[0m\n' "$name" "$(sed -n 1p "$src" | sed 's|^// ||')"
  echo "\$ ffisan cc -O1 -o $name $rel && ./$name"
  if ! (cd "$root/test-programs" && "$ffisan" cc -O1 -o "$out/$name" "$rel"); then
    echo "demo: compiling $rel failed" >&2
    exit 1
  fi
  FFISAN_OPTIONS="json_path=$out/$name.%p.jsonl" "$out/$name"
  echo "(exit status $?)"
done
printf '\n\033[1m=== ffisan report: all findings above, grouped\033[0m\n'
"$ffisan" report "$out"/*.jsonl --sarif "$out/findings.sarif"
echo "(SARIF written to $out/findings.sarif)"
exit 0
