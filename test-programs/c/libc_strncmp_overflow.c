// strncmp stops at the first difference: comparing unterminated chunks is fine when they differ early, an overflow when they agree past the end.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int cmp(const char *a, const char *b, size_t n) {
  return strncmp(a, b, n);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size 9 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strncmp ({{.*}})
  // CHECK: #1 {{.*}} in cmp {{.*}}libc_strncmp_overflow.c:[[@LINE-4]]
}

int main(void) {
  char *a = malloc(8), *b = malloc(8);
  memset(a, 'x', 8);
  memset(b, 'x', 8);
  b[2] = 'y';
  printf("%d\n", cmp(a, b, 100) < 0); // differs at index 2: reads 3 bytes of each
  b[2] = 'x';
  printf("%d\n", cmp(a, b, 9)); // equal for 8 bytes: the 9th is read
  // CHECK: #2 {{.*}} in main {{.*}}libc_strncmp_overflow.c:[[@LINE-1]]
  return 0;
}
