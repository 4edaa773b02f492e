// Fields of a freed struct read in one block (one group check): the report is the first field's
// heap-use-after-free, at its own line.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>

struct point {
  int x;
  int y;
  int z;
};

__attribute__((noinline)) int manhattan(const struct point *p) {
  int d = p->x; // reads freed memory
  // CHECK: ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: READ of size 4 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in manhattan {{.*}}group_check_use_after_free.c:[[@LINE-3]]
  d += p->y;
  d += p->z;
  return d;
}

int main(void) {
  struct point *p = malloc(sizeof *p);
  p->x = 1;
  p->y = 2;
  p->z = 3;
  free(p);
  // CHECK: is located 0 bytes inside of 12-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: in main {{.*}}group_check_use_after_free.c:[[@LINE-3]]
  printf("%d\n", manhattan(p));
  return 0;
}
// CHECK: SUMMARY: ffisan: heap-use-after-free {{.*}}group_check_use_after_free.c:{{[0-9]+}}:{{[0-9]+}} in manhattan
