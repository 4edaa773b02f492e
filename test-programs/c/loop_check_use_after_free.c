// A byte loop over a freed buffer: heap-use-after-free at the first byte, reported at the loop
// body's line with the free and allocation stacks.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) unsigned checksum(const unsigned char *p, size_t n) {
  unsigned s = 0;
  for (size_t i = 0; i < n; i++)
    s = s * 31 + p[i];
  // CHECK: ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: READ of size 1 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in checksum {{.*}}loop_check_use_after_free.c:[[@LINE-3]]
  // CHECK: is located 0 bytes inside of 64-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: previously allocated by thread T0 here:
  return s;
}

int main(void) {
  unsigned char *p = malloc(64);
  memset(p, 7, 64);
  free(p);
  printf("%u\n", checksum(p, 64));
  return 0;
}
