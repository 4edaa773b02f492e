#!/bin/bash
# Builds each of Go's own LeakSanitizer test cases (cmd/cgo/internal/testsanitizers, lsan_test.go)
# from $(go env GOROOT) (nothing is copied into the repository) with `ffisan go build -asan`, as
# lsan_test.go builds them with `go build -asan`, and runs each twice: as is, then with the leak
# check turned off (lsan_test.go's ASAN_OPTIONS=detect_leaks=0; ffisan reads FFISAN_OPTIONS). For
# each case it prints
#   === <case>            then the program's output and `exit <rc>`
#   === <case> detect_leaks=0   then `exit <rc>` and the output, if any
# usage: testsanitizers-lsan.sh FFISAN WORKDIR CASE...
ffisan=$(realpath "$1") work=$2
shift 2
testdata=$(go env GOROOT)/src/cmd/cgo/internal/testsanitizers/testdata
mkdir -p "$work" && cd "$work" || exit 1
for c in "$@"; do
  exe=$work/${c%.go}
  echo "=== $c"
  if ! (cd "$testdata" && "$ffisan" go build -asan -o "$exe" "./$c") >"$exe.build" 2>&1; then
    echo "build failed"
    cat "$exe.build"
    continue
  fi
  "$exe" 2>&1
  echo "exit $?"
  echo "=== $c detect_leaks=0"
  FFISAN_OPTIONS=detect_leaks=0 "$exe" 2>&1
  echo "exit $?"
done
