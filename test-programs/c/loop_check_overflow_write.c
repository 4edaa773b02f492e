// An int loop writes one element past a heap array: WRITE of size 4 at that element, at the
// store's line, whether the loop's checks are per access (-O0) or hoisted before the loop (-O2).
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void fill(int *a, int n) {
  for (int i = 0; i <= n; i++)
    a[i] = i * 3; // a[n] is one past the end
  // CHECK: ERROR: ffisan: heap-buffer-overflow on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: WRITE of size 4 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in fill {{.*}}loop_check_overflow_write.c:[[@LINE-3]]
}

int main(int argc, char **argv) {
  (void)argv;
  int n = 99 + argc;
  int *a = malloc(n * sizeof *a);
  fill(a, n);
  // CHECK: is located 0 bytes after 400-byte region
  printf("%d\n", a[n - 1]);
  free(a);
  return 0;
}
