// A struct allocated too small for its last field: reading three fields in one block shares one
// group check, and the report still names the last field's line, its size and the overflow.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

struct record {
  int id;
  int count;
  long total;
};

__attribute__((noinline)) long sum_fields(const struct record *r) {
  long s = r->id;
  s += r->count;
  s += r->total; // beyond the chunk
  // CHECK: ERROR: ffisan: heap-buffer-overflow on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: READ of size 8 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in sum_fields {{.*}}group_check_overflow_last_field.c:[[@LINE-3]]
  return s;
}

int main(void) {
  // Room for `id` and `count` only.
  struct record *r = malloc(offsetof(struct record, total));
  r->id = 1;
  r->count = 2;
  // CHECK: is located 0 bytes after 8-byte region
  printf("%ld\n", sum_fields(r));
  free(r);
  return 0;
}
// CHECK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}group_check_overflow_last_field.c:{{[0-9]+}}:{{[0-9]+}} in sum_fields
