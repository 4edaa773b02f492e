#!/usr/bin/env bash
# `make realworld`: builds real projects through their own build systems with CC="ffisan cc", runs their
# own tests, and checks that ffisan reported nothing. Sources are Debian source packages fetched into
# target/bench/src (bench/fetch-sources.sh); builds happen in copies under target/bench/realworld.
#   zlib    ./configure && make test
#   bzip2   make test
#   sqlite  ./configure && make sqlite3 + make fuzztest sourcetest (SQLite's own `make test` minus the
#           Tcl suite, which needs hours under any sanitizer) + speedtest1 --memdb
#   lua     make linux && make test (upstream's target) + bench/lua scripts checked against a plain build
#           + bench/lua/selftest.lua
#   xz      ./configure && make && make check (xz-utils: liblzma and the xz tool, shared libraries)
#   lz4     make + make -C tests test-lz4 test-frametest
#   pcre2   ./configure && make && make check (the interpreter; the JIT is off by default)
#   jsoncpp cmake (CXX=ffisan-c++) && make && ctest (libjsoncpp: the unit tests and the JSON
#           reader/writer conformance suite, C++ with exceptions, std::string and std::map)
#   gosqlite3 github.com/mattn/go-sqlite3 (from the Go module proxy): its whole test suite under
#           `ffisan go test`, Go's own checks on (SQLite's C through cgo, the Go side under -asan).
#           (Its TestQueryRowContextCancelParallel once reported a false cross-domain-access: a lent Go
#           object with a malloc header was left unpainted, test-programs/go/lent_object_with_header_clean.go.)
# Usage: bench/realworld.sh [PROJECT...]   (default: all of them)
# Environment: FFISAN (the ffisan binary), REALWORLD_JOBS (2), REALWORLD_STEP_TIMEOUT (1500 s per step)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ffisan="${FFISAN:-$root/target/release/ffisan}"
jobs="${REALWORLD_JOBS:-2}"
step_timeout="${REALWORLD_STEP_TIMEOUT:-1500}" # seconds for one build or test step
work="$root/target/bench/realworld"
findings="$work/findings"
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(zlib bzip2 sqlite lua xz lz4 pcre2 jsoncpp gosqlite3)

[ -x "$ffisan" ] || { echo "fatal error: $ffisan not found (run make build)" >&2; exit 1; }
cc_ffisan="$ffisan cc"
# CMake wants each compiler to be one program: the links `make build` puts beside ffisan.
cxx_ffisan="$(dirname "$ffisan")/ffisan-c++"

mkdir -p "$work"
rm -rf "$findings"
mkdir -p "$findings"
# Every instrumented process started by a build or a test writes its findings here (one file per pid).
# Leak suppressions: real leaks in the projects' own test programs (bench/realworld.supp says why).
export FFISAN_OPTIONS="json_path=$findings/%p.jsonl:suppressions=$root/bench/realworld.supp"

declare -A status
source_dir() { bash "$root/bench/fetch-sources.sh" "$1" | awk -v p="$1" '$1 == p { print $2 }'; }

fresh_copy() { # fresh_copy PACKAGE NAME -> prints the copy's path
  local src dest
  src="$(source_dir "$1")"
  dest="$work/$2"
  rm -rf "$dest"
  cp -a "$src" "$dest" || return 1
  echo "$dest"
}

step() { # step NAME LOG COMMAND... : runs the command with a time limit, output to LOG
  local name="$1" log="$2"
  shift 2
  echo "  $name: $*" | cut -c1-160
  if ! timeout "$step_timeout" "$@" >>"$log" 2>&1; then
    echo "  $name FAILED; last lines of $log:"
    tail -25 "$log" | sed 's/^/    /'
    return 1
  fi
}

instrumented() { # instrumented FILE: the object calls ffisan's checks (a build that silently lost
  # CC would pass its tests and prove nothing)
  # (grep reads all of nm's output: with -q it would stop at the first match, nm would die of
  # SIGPIPE, and pipefail would call that a failure.)
  if ! nm -u "$1" 2>/dev/null | grep "__ffisan_" >/dev/null; then
    echo "  $1 has no ffisan checks: not built with ffisan cc"
    return 1
  fi
}

enter_copy() { # enter_copy PACKAGE NAME: a fresh copy, entered, with an empty "$log" (callers' locals)
  dir="$(fresh_copy "$1" "$2")" || return 1
  log="$work/$2.log"
  : >"$log"
  cd "$dir"
}

autotools_project() { # autotools_project PACKAGE NAME PRODUCT [CFLAGS]: ./configure && make && make check
  local dir log
  enter_copy "$1" "$2" || return 1
  step "$2" "$log" env CC="$cc_ffisan" CFLAGS="-O2 ${4:-}" ./configure || return 1
  step "$2" "$log" make -j"$jobs" || return 1
  instrumented "$3" || return 1
  step "$2" "$log" make -j"$jobs" check || return 1
  grep -q "^# FAIL: *0$" "$log"
}

run_zlib() {
  local dir log
  enter_copy zlib zlib || return 1
  step zlib "$log" env CC="$cc_ffisan" CFLAGS="-O2" ./configure || return 1
  step zlib "$log" make -j"$jobs" || return 1
  instrumented libz.a || return 1
  step zlib "$log" make test || return 1
  grep -q "zlib test OK" "$log"
}

run_bzip2() {
  local dir log
  enter_copy bzip2 bzip2 || return 1
  step bzip2 "$log" make -j"$jobs" CC="$cc_ffisan" || return 1
  instrumented bzip2 || return 1
  step bzip2 "$log" make CC="$cc_ffisan" test || return 1
  grep -q "If you got this far and the 'cmp's didn't complain, it looks" "$log"
}

run_sqlite() {
  local src dir log
  src="$(source_dir sqlite3)"
  dir="$work/sqlite"
  log="$work/sqlite.log"
  : >"$log"
  rm -rf "$dir"
  mkdir -p "$dir" || return 1
  cd "$dir" || return 1
  step sqlite "$log" "$src/configure" CC="$cc_ffisan" CFLAGS="-O2" --disable-tcl || return 1
  step sqlite "$log" make -j"$jobs" sqlite3 fuzzcheck sessionfuzz speedtest1 srcck1 || return 1
  instrumented .libs/libsqlite3.so || return 1
  step sqlite "$log" make fuzztest sourcetest || return 1
  step sqlite "$log" ./speedtest1 --memdb --size 10 --verify || return 1
  step sqlite "$log" ./sqlite3 :memory: "create table t(a, b); insert into t values (1, 'one'), (2, 'two');
    select group_concat(b, '+') from t; select sqlite_version();" || return 1
  grep -q "one+two" "$log"
}

run_lua() {
  local dir log plain
  enter_copy lua5.4 lua || return 1
  # Debian's packaging-only patches (libtool build, multiarch module paths) are reverted: this is
  # upstream's build system, as Lua ships it.
  step lua "$log" patch -R -p1 -i debian/patches/0002-lua-modules-paths.patch || return 1
  step lua "$log" patch -R -p1 -i debian/patches/0001-build-system.patch || return 1
  # A plain build first: the reference output for the scripts.
  step lua "$log" make -j"$jobs" linux CC="clang-22 -std=gnu99" || return 1
  plain="$work/lua-plain"
  mkdir -p "$plain" || return 1
  cp src/lua "$plain/lua" || return 1
  step lua "$log" make clean || return 1
  step lua "$log" make -j"$jobs" linux CC="$cc_ffisan -std=gnu99" || return 1
  instrumented src/lua || return 1
  step lua "$log" make test || return 1
  local script args
  for script in "binary-trees.lua 14" "strings.lua 60" "selftest.lua"; do
    read -r script args <<<"$script"
    # shellcheck disable=SC2086 # args is a word list on purpose
    "$plain/lua" "$root/bench/lua/$script" $args >"$work/lua-$script.plain" 2>&1
    # shellcheck disable=SC2086
    step lua "$log" sh -c "src/lua '$root/bench/lua/$script' $args >'$work/lua-$script.ffisan' 2>&1" || return 1
    if ! cmp -s "$work/lua-$script.plain" "$work/lua-$script.ffisan"; then
      echo "  lua: $script output differs from the plain build"
      diff "$work/lua-$script.plain" "$work/lua-$script.ffisan" | head -10
      return 1
    fi
  done
}

# bench/xz.ignorelist says why crc64_clmul is built unchecked (as later upstream releases do).
run_xz() {
  autotools_project xz-utils xz src/liblzma/.libs/liblzma.so \
    "-fsanitize-ignorelist=$root/bench/xz.ignorelist"
}

run_lz4() {
  local dir log
  enter_copy lz4 lz4 || return 1
  step lz4 "$log" make -j"$jobs" CC="$cc_ffisan" || return 1
  instrumented programs/lz4 || return 1
  step lz4 "$log" make -C tests CC="$cc_ffisan" test-lz4 test-frametest || return 1
  grep -q "All tests completed" "$log"
}

run_pcre2() { autotools_project pcre2 pcre2 .libs/libpcre2-8.so; }

run_jsoncpp() {
  local dir log
  enter_copy libjsoncpp jsoncpp || return 1
  mkdir -p build && cd build || return 1
  # The post-build unit test would run inside make; ctest runs it (and the rest) below.
  step jsoncpp "$log" env CXX="$cxx_ffisan" cmake -DCMAKE_BUILD_TYPE=Release \
    -DJSONCPP_WITH_POST_BUILD_UNITTEST=OFF .. || return 1
  step jsoncpp "$log" make -j"$jobs" || return 1
  instrumented lib/libjsoncpp.so || return 1
  step jsoncpp "$log" ctest --output-on-failure || return 1
  grep -q "100% tests passed" "$log"
}

# The Go module's version: its test suite passes under plain `go test` at this version.
gosqlite3_version=v1.14.53

run_gosqlite3() {
  local dir log module
  dir="$work/gosqlite3"
  log="$work/gosqlite3.log"
  : >"$log"
  rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || return 1
  # From the Go module proxy into Go's module cache (read-only there), then a writable copy.
  step gosqlite3 "$log" env GOFLAGS=-mod=mod go mod download -json \
    "github.com/mattn/go-sqlite3@$gosqlite3_version" || return 1
  module="$(go env GOMODCACHE)/github.com/mattn/go-sqlite3@$gosqlite3_version"
  cp -r "$module" src && chmod -R u+w src && cd src || return 1
  # Go's own checks on (ffisan go's default): the C side and Go's loads and stores both.
  step gosqlite3 "$log" "$ffisan" go test -count=1 -timeout 1200s . || return 1
  grep -q "^ok" "$log"
}

for project in "${projects[@]}"; do
  echo "== $project (CC=\"ffisan cc\")"
  start=$SECONDS
  # A subshell, so that a project's cd does not leak; each step returns on failure by itself.
  if ("run_$project"); then
    status[$project]="passed"
  else
    status[$project]="FAILED"
  fi
  echo "   $project ${status[$project]} in $((SECONDS - start)) s"
done

# ffisan must have reported nothing: no non-empty findings file, no text report in any log.
reported=0
for f in "$findings"/*.jsonl; do
  [ -s "$f" ] || continue
  reported=1
  echo "ffisan finding in $f:"
  head -c 2000 "$f"
  echo
done
if grep -l "ERROR: ffisan" "$work"/*.log 2>/dev/null; then
  reported=1
  echo "ffisan text reports in the logs above"
fi

echo
failed=0
for project in "${projects[@]}"; do
  echo "realworld $project: ${status[$project]}"
  [ "${status[$project]}" = passed ] || failed=1
done
if [ "$reported" = 1 ]; then
  echo "realworld: ffisan reported findings"
  failed=1
else
  echo "realworld: ffisan reported nothing"
fi
exit "$failed"
