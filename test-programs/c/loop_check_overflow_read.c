// An off-by-one byte loop reads one past a heap buffer. At -O2 the loop's checks are hoisted into
// one check before it; the report is still the per-access one: READ of size 1 at the first bad
// byte, at the loop body's line, in the function that holds the loop.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) unsigned sum_bytes(const unsigned char *p, long n) {
  unsigned s = 0;
  for (long i = 0; i <= n; i++)
    s += p[i]; // one past the end when i == n
  // CHECK: ERROR: ffisan: heap-buffer-overflow on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: READ of size 1 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in sum_bytes {{.*}}loop_check_overflow_read.c:[[@LINE-3]]
  return s;
}

int main(int argc, char **argv) {
  (void)argv;
  long n = 37 + argc; // not a constant the compiler could see through
  unsigned char *p = malloc(n);
  for (long i = 0; i < n; i++)
    p[i] = (unsigned char)i;
  // CHECK: is located 0 bytes after 38-byte region
  printf("%u\n", sum_bytes(p, n));
  free(p);
  return 0;
}
// CHECK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}loop_check_overflow_read.c:{{[0-9]+}}:{{[0-9]+}} in sum_bytes
