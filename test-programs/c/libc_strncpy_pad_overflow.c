// strncpy writes exactly n bytes (it pads with NULs), even when the source is short.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void copy(char *dst, const char *src, size_t n) {
  strncpy(dst, src, n);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strncpy ({{.*}})
  // CHECK: #1 {{.*}} in copy {{.*}}libc_strncpy_pad_overflow.c:[[@LINE-4]]
}

static char *opaque(char *p) {
  __asm__ volatile("" : "+r"(p)::"memory");
  return p;
}

int main(void) {
  char *dst = opaque(malloc(8));
  copy(dst, "hi", 8); // pads to 8: fine
  puts("padded");
  copy(dst, "hi", 12);
  // CHECK: #2 {{.*}} in main {{.*}}libc_strncpy_pad_overflow.c:[[@LINE-1]]
  return 0;
}
