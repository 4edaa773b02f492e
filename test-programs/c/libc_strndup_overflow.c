// strndup reads at most n bytes: n within the chunk is fine, beyond an unterminated chunk it overflows.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) char *dup(const char *s, size_t n) {
  return strndup(s, n);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size {{9|10}} at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strndup ({{.*}})
  // CHECK: #1 {{.*}} in dup {{.*}}libc_strndup_overflow.c:[[@LINE-4]]
}

int main(void) {
  char *s = malloc(8);
  memset(s, 'q', 8);
  char *copy = dup(s, 8);
  puts(copy);
  free(copy);
  free(dup(s, 10)); // the redzone may hold a NUL: 9 or 10 bytes
  // CHECK: #2 {{.*}} in main {{.*}}libc_strndup_overflow.c:[[@LINE-1]]
  return 0;
}
