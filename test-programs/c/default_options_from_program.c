// A program's __asan_default_options gives default options, read before FFISAN_OPTIONS (which
// wins); keys written for ASan that ffisan has not (detect_leaks here, being built) are passed
// over, and named at verbosity=1.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && env FFISAN_OPTIONS=exitcode=9 sh -c '%t 2>/dev/null; test $? -eq 9'
// RUN: %ffisan_cc -O2 %s -o %t && env FFISAN_OPTIONS=verbosity=1 not %t 2>&1 | FileCheck --check-prefix=NOTE %s
#include <stdio.h>
#include <stdlib.h>

const char *__asan_default_options(void) {
  return "halt_on_error=0:exitcode=7:no_such_asan_option=1";
}

int main(void) {
  char *volatile p = malloc(8), *volatile q = malloc(8);
  free(p);
  free(q);
  p[0] = 1; // two sites: recover mode reports both
  q[1] = 1;
  fprintf(stderr, "still running\n");
  return 0;
}
// NOTE: ffisan: note: __asan_default_options names 'no_such_asan_option', which ffisan does not have; ignored
// CHECK-NOT: no_such_asan_option
// CHECK: ERROR: ffisan: heap-use-after-free
// CHECK: ERROR: ffisan: heap-use-after-free
// CHECK: still running
// CHECK: ffisan: 2 findings: heap-use-after-free 2
