// strdup reads the source string and its NUL: duplicating a freed string is a use after free.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) char *dup(const char *s) {
  return strdup(s);
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strdup ({{.*}})
  // CHECK: #1 {{.*}} in dup {{.*}}libc_strdup_after_free.c:[[@LINE-4]]
}

int main(void) {
  char *s = malloc(16);
  strcpy(s, "hello");
  char *copy = dup(s);
  puts(copy);
  free(copy);
  free(s);
  free(dup(s));
  // CHECK: #2 {{.*}} in main {{.*}}libc_strdup_after_free.c:[[@LINE-1]]
  return 0;
}
