#!/usr/bin/env bash
# `make realcrates`: runs the own test suites of well-known crates that bundle C under
# `ffisan cargo test`, and checks that every test passes, ffisan reported nothing, and the bundled C
# really went through the pass. Crate sources are fetched from crates.io at run time into a private
# CARGO_HOME (target/realcrates/cargo-home); each crate is tested in a fresh copy under
# target/realcrates/<crate>. Nothing fetched is committed.
# Usage: scripts/realcrates.sh [CRATE...]   (default: all; see the table below)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ffisan="${FFISAN:-$root/target/release/ffisan}"
jobs="${REALCRATES_JOBS:-2}"
work="$root/target/realcrates"
export CARGO_HOME="$work/cargo-home"

# name | version | `cargo test` arguments | extra environment | a bundled C file the pass must have seen
crates=(
  "bzip2|0.5.2|--features static||bzip2-1.0.8/bzlib.c"
  "flate2|1.1.11|--no-default-features --features zlib|LIBZ_SYS_STATIC=1|src/zlib/inflate.c"
  "rusqlite|0.37.0|--features bundled||sqlite3/sqlite3.c"
)

[ -x "$ffisan" ] || { echo "fatal error: $ffisan not found (run make build)" >&2; exit 1; }
selected=("$@")
wanted() { [ ${#selected[@]} -eq 0 ] || printf '%s\n' "${selected[@]}" | grep -qx "$1"; }

# A throwaway package that depends on every crate: `cargo fetch` brings their sources.
fetch="$work/fetch"
mkdir -p "$fetch/src"
{
  printf '[package]\nname = "realcrates-fetch"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
  printf '[dependencies]\n'
  for entry in "${crates[@]}"; do
    IFS='|' read -r name version _ <<<"$entry"
    printf '%s = "=%s"\n' "$name" "$version"
  done
  # Not part of the ffisan workspace above it.
  printf '\n[workspace]\n'
} >"$fetch/Cargo.toml"
echo 'fn main() {}' >"$fetch/src/main.rs"
echo "fetching crate sources into $CARGO_HOME"
cargo fetch --manifest-path "$fetch/Cargo.toml" --quiet

mkdir -p "$work/logs"
summary=()
failed=0
for entry in "${crates[@]}"; do
  IFS='|' read -r name version test_args extra_env c_file <<<"$entry"
  wanted "$name" || continue
  src="$(ls -d "$CARGO_HOME"/registry/src/*/"$name-$version" | head -1)"
  dest="$work/$name"
  rm -rf "$dest"
  cp -a "$src" "$dest"
  # A published crate's manifest is standalone; this keeps cargo from looking for a parent workspace.
  grep -q '^\[workspace\]' "$dest/Cargo.toml" || printf '\n[workspace]\n' >>"$dest/Cargo.toml"

  log="$work/logs/$name.log"
  findings="$work/findings/$name"
  stats="$work/stats-$name.jsonl"
  rm -rf "$findings" "$stats"
  mkdir -p "$findings"
  echo "== $name $version: ffisan cargo test $test_args ${extra_env:+($extra_env)}"
  start=$EPOCHREALTIME
  status=0
  # shellcheck disable=SC2086 # the arguments and environment are word lists
  (cd "$dest" && env $extra_env FFISAN_OPTIONS="json_path=$findings/%p.jsonl" FFISAN_STATS="$stats" \
    "$ffisan" cargo test -j"$jobs" $test_args) >"$log" 2>&1 || status=$?
  seconds=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')

  # Sums over every test binary and the doctests; `tests` is the time the harnesses report.
  read -r passed failed_tests ignored test_seconds < <(awk '/^test result:/ {
      for (i = 1; i <= NF; i++) {
        if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) g += $i
      }
      t += $NF
    } END { print p + 0, f + 0, g + 0, t + 0 }' "$log")
  reports=$(find "$findings" -name '*.jsonl' -exec cat {} + | wc -l)
  instrumented=$(grep -F "\"module\":\"" "$stats" 2>/dev/null | grep -F "$c_file\"" | grep -vc '"checked":0,' || true)

  verdict=ok
  if [ "$status" -ne 0 ] || [ "$failed_tests" -ne 0 ] || [ "$passed" -eq 0 ]; then
    verdict="FAILED (cargo exit $status, $failed_tests failed tests)"
  elif [ "$reports" -ne 0 ] || grep -q 'ERROR: ffisan' "$log"; then
    verdict="FAILED ($reports findings; see $findings)"
  elif [ "$instrumented" -eq 0 ]; then
    verdict="FAILED (the bundled $c_file was not instrumented; see $stats)"
  fi
  if [ "$verdict" != ok ]; then
    failed=1
    echo "  $verdict; last lines of $log:"
    tail -25 "$log" | sed 's/^/    /'
  fi
  line=$(printf '%-9s %-8s %6s %6s %7s %8s %6.1fs %7.0fs  %s' "$name" "$version" "$passed" \
    "$failed_tests" "$ignored" "$reports" "$test_seconds" "$seconds" "$verdict")
  echo "  $line"
  summary+=("$line")
done

echo
printf '%-9s %-8s %6s %6s %7s %8s %7s %8s  %s\n' crate version passed failed ignored findings tests wall verdict
printf '%s\n' "${summary[@]}"
exit "$failed"
