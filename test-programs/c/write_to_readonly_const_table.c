// A store into a const global table (in .rodata), through a pointer that cast const away.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>

static const int primes[8] = {2, 3, 5, 7, 11, 13, 17, 19};

__attribute__((noinline)) void bump(int *table, int i) {
  table[i] += 1;
  // CHECK: ERROR: ffisan: write-to-readonly
  // CHECK: WRITE of size 4
  // CHECK: #0 {{.*}} in bump {{.*}}write_to_readonly_const_table.c:[[@LINE-3]]
}

int main(int argc, char **argv) {
  (void)argv;
  bump((int *)primes, argc + 2);
  printf("%d\n", primes[3]);
  return 0;
}
