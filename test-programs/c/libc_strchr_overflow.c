// strchr reads up to the match: a match inside the chunk is fine, no match reads on into the redzone.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) char *find(const char *s, int c) {
  return strchr(s, c);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size {{[0-9]+}} at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strchr ({{.*}})
  // CHECK: #1 {{.*}} in find {{.*}}libc_strchr_overflow.c:[[@LINE-4]]
}

int main(void) {
  char *s = malloc(8);
  memcpy(s, "abcdefgh", 8); // no NUL
  printf("%td\n", find(s, 'c') - s);
  printf("%p\n", (void *)find(s, 'z'));
  // CHECK: #2 {{.*}} in main {{.*}}libc_strchr_overflow.c:[[@LINE-1]]
  return 0;
}
