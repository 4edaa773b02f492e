// A store of 4 bytes into a freed int array.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdlib.h>

__attribute__((noinline)) void store(int *p, int i) {
  p[i] = 42;
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: WRITE of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in store {{.*}}heap_use_after_free_write.c:[[@LINE-3]]
}

int main(void) {
  int *p = malloc(10 * sizeof(int));
  free(p);
  __asm__ volatile("" : "+r"(p)); // keep -O2 from deleting the (undefined) use
  store(p, 3);
  // CHECK: is located 12 bytes inside of 40-byte region
  return 0;
}
