// strncat writes at most n bytes and always a NUL after them: n=3 overflows by one byte here.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void append(char *dst, const char *src, size_t n) {
  strncat(dst, src, n);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: WRITE of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strncat ({{.*}})
  // CHECK: #1 {{.*}} in append {{.*}}libc_strncat_overflow.c:[[@LINE-4]]
}

int main(void) {
  char *dst = malloc(8);
  strcpy(dst, "abcde");
  append(dst, "xyz", 2); // "abcdexy" + NUL = 8 bytes: fine
  puts(dst);
  dst[5] = 0;
  append(dst, "xyz", 3); // "abcdexyz" + NUL = 9 bytes
  // CHECK: #2 {{.*}} in main {{.*}}libc_strncat_overflow.c:[[@LINE-1]]
  return 0;
}
