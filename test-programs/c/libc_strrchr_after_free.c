// strrchr reads the whole string, even when the character occurs early.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) char *find_last(const char *s, int c) {
  return strrchr(s, c);
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strrchr ({{.*}})
  // CHECK: #1 {{.*}} in find_last {{.*}}libc_strrchr_after_free.c:[[@LINE-4]]
}

int main(void) {
  char *s = malloc(16);
  strcpy(s, "a/b/c");
  printf("%s\n", find_last(s, '/'));
  free(s);
  printf("%p\n", (void *)find_last(s, 'a'));
  // CHECK: #2 {{.*}} in main {{.*}}libc_strrchr_after_free.c:[[@LINE-1]]
  return 0;
}
