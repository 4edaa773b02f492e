// memcpy out of a freed buffer (the llvm.memcpy intrinsic and the libc call are both checked).
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void copy(char *dst, const char *src, size_t n) {
  memcpy(dst, src, n);
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: READ of size 100 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in copy {{.*}}heap_use_after_free_memcpy.c:[[@LINE-3]]
}

int main(void) {
  char *src = calloc(100, 1);
  char dst[100];
  free(src);
  __asm__ volatile("" : "+r"(src)); // keep -O2 from deleting the (undefined) use
  copy(dst, src, 100);
  printf("%d\n", dst[0]);
  return 0;
}
