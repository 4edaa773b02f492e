// strcat writes the source and its NUL after the destination's string: one byte too many here.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void append(char *dst, const char *src) {
  strcat(dst, src);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: WRITE of size 5 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strcat ({{.*}})
  // CHECK: #1 {{.*}} in append {{.*}}libc_strcat_overflow.c:[[@LINE-4]]
}

int main(void) {
  char *dst = malloc(8);
  strcpy(dst, "abc");
  append(dst, "def");   // "abcdef" + NUL = 7 bytes: fine
  puts(dst);
  append(dst + 3, "ghij"); // "def" + "ghij" + NUL ends at dst[10]
  // CHECK: #2 {{.*}} in main {{.*}}libc_strcat_overflow.c:[[@LINE-1]]
  return 0;
}
