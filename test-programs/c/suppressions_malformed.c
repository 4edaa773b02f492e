// A malformed suppressions line (unknown kind, missing colon) or a missing file is a one-line
// error naming the file and line, and exit 1 before main runs.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
// RUN: echo "heap-use-after-free:ok_*" > %t.kind
// RUN: echo "use-after-fee:foo" >> %t.kind
// RUN: env FFISAN_OPTIONS=suppressions=%t.kind not %t 2>&1 | FileCheck %s --check-prefix=KIND
// RUN: echo "# comment" > %t.colon
// RUN: echo "just_a_function" >> %t.colon
// RUN: env FFISAN_OPTIONS=suppressions=%t.colon not %t 2>&1 | FileCheck %s --check-prefix=COLON
// RUN: env FFISAN_OPTIONS=suppressions=%t.missing not %t 2>&1 | FileCheck %s --check-prefix=MISSING
#include <stdio.h>

int main(void) {
  puts("main ran");
  return 0;
}
// KIND: ffisan: error: suppressions file '{{.*}}.kind' line 2: unknown kind 'use-after-fee' (valid: heap-use-after-free, double-free, invalid-free, {{.*}}stack-buffer-overflow, {{.*}}memory-leak{{.*}})
// KIND-NOT: main ran
// COLON: ffisan: error: suppressions file '{{.*}}.colon' line 2: expected 'kind:pattern', got 'just_a_function'
// MISSING: ffisan: error: cannot read suppressions file '{{.*}}.missing'
