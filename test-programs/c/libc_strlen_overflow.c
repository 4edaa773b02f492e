// strlen reads the string and its NUL: a string that runs into the right redzone is an overflow.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) size_t measure(const char *s) {
  return strlen(s);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size 9 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strlen ({{.*}})
  // CHECK: #1 {{.*}} in measure {{.*}}libc_strlen_overflow.c:[[@LINE-4]]
}

int main(void) {
  char *s = malloc(8);
  memset(s, 'a', 8); // no NUL inside the chunk
  printf("%zu\n", measure(s));
  // CHECK: #2 {{.*}} in main {{.*}}libc_strlen_overflow.c:[[@LINE-1]]
  return 0;
}
