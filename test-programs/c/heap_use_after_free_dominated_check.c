// A read checked in a dominating block, then a free on one path, then the same read again: the
// second read keeps its own check (a call that may free lies between) and is reported.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int read_twice(int *p, int release) {
  int first = p[1];
  if (release)
    free(p);
  return first + p[1]; // freed when `release`
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in read_twice {{.*}}heap_use_after_free_dominated_check.c:[[@LINE-3]]
}

int main(void) {
  int *p = calloc(4, sizeof(int));
  printf("%d\n", read_twice(p, 0));
  printf("%d\n", read_twice(p, 1));
  return 0;
}
