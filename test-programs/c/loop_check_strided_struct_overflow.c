// A loop reads one field of each struct of an array whose last struct is cut short by the
// allocation: the report is the read of that field in the last struct (READ of size 8), not the
// gap between fields, which the loop never touches.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

struct item {
  int tag;
  char name[12];
  long weight;
  long spare;
};

__attribute__((noinline)) long total_weight(const struct item *items, int n) {
  long total = 0;
  for (int i = 0; i < n; i++)
    total += items[i].weight; // the last item ends before `weight`
  // CHECK: ERROR: ffisan: heap-buffer-overflow on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: READ of size 8 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in total_weight {{.*}}loop_check_strided_struct_overflow.c:[[@LINE-3]]
  return total;
}

int main(int argc, char **argv) {
  (void)argv;
  int n = 9 + argc;
  // The last item is allocated only up to the end of `name`.
  struct item *items = calloc(1, (n - 1) * sizeof *items + offsetof(struct item, weight));
  for (int i = 0; i < n - 1; i++)
    items[i].weight = i;
  // CHECK: is located 0 bytes after 304-byte region
  printf("%ld\n", total_weight(items, n));
  free(items);
  return 0;
}
