#!/bin/bash
# Builds each of Go's own -asan sanitizer test cases from $(go env GOROOT) (nothing is copied into
# the repository) with `ffisan go build -asan`, runs it and prints one line per case:
#   <case>: <ffisan kind> <file:line of the SUMMARY> (domain <d>)   for a report
#   <case>: silent                                                   for a clean exit
#   <case>: build failed | exit <rc> without a report
# usage: testsanitizers-asan.sh FFISAN WORKDIR CASE...
ffisan=$(realpath "$1") work=$2
shift 2
testdata=$(go env GOROOT)/src/cmd/cgo/internal/testsanitizers/testdata
mkdir -p "$work" && cd "$work" || exit 1
for c in "$@"; do
  exe=$work/${c%.go}
  if ! (cd "$testdata" && "$ffisan" go build -asan -o "$exe" "./$c") >"$exe.build" 2>&1; then
    echo "$c: build failed"
    continue
  fi
  "$exe" >"$exe.out" 2>&1
  rc=$?
  summary=$(grep -m1 '^SUMMARY: ffisan:' "$exe.out")
  domain=$(grep -m1 -o '(domain: [a-z]*)' "$exe.out")
  if [ -n "$summary" ]; then
    kind=$(echo "$summary" | awk '{print $3}')
    where=$(echo "$summary" | grep -o '[A-Za-z0-9_]*\.go:[0-9]*' | head -1)
    echo "$c: $kind $where $domain"
  elif [ $rc = 0 ]; then
    echo "$c: silent"
  else
    echo "$c: exit $rc without a report"
  fi
done
