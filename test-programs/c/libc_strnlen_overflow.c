// strnlen reads at most n bytes: within the chunk it is clean, past it the NUL search overflows.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) size_t measure(const char *s, size_t n) {
  return strnlen(s, n);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size {{9|1[0-2]}} at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strnlen ({{.*}})
  // CHECK: #1 {{.*}} in measure {{.*}}libc_strnlen_overflow.c:[[@LINE-4]]
}

int main(void) {
  char *s = malloc(8);
  memset(s, 'a', 8);
  printf("%zu\n", measure(s, 8)); // reads exactly the 8 bytes: fine
  printf("%zu\n", measure(s, 12)); // the redzone may hold a NUL: 9 to 12 bytes
  // CHECK: #2 {{.*}} in main {{.*}}libc_strnlen_overflow.c:[[@LINE-1]]
  return 0;
}
