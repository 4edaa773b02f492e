// A loop stores into a slot it does not move (each char read may alias the slot, so the compiler
// keeps the store in the loop) and the slot's chunk was freed: the first iteration's store is the
// heap-use-after-free, reported at the loop body's line. At -O2 the slot's check is one check
// before the loop (stride 0), like any other loop check.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: env FFISAN_STATS=%t.stats %ffisan_cc -O2 -c %s -o %t.o && FileCheck --check-prefix=STATS %s < %t.stats
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void remember_last(const char *s, size_t n, int *last) {
  for (size_t i = 0; i < n; i++)
    *last = s[i];
  // CHECK: ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: WRITE of size 4 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in remember_last {{.*}}loop_check_invariant_after_free.c:[[@LINE-3]]
  // CHECK: is located 0 bytes inside of 4-byte region
  // CHECK: freed by thread T0 here:
}
// STATS: "hoisted_loop":{{[1-9]}}

int main(void) {
  char text[32];
  memset(text, 1, sizeof text);
  int *last = malloc(sizeof *last);
  free(last);
  remember_last(text, sizeof text, last);
  printf("done\n");
  return 0;
}
