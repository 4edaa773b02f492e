// strcmp reads both strings up to the first difference: a freed operand is a use after free.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int same(const char *a, const char *b) {
  return strcmp(a, b) == 0;
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: READ of size {{[0-9]+}} at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strcmp ({{.*}})
  // CHECK: #1 {{.*}} in same {{.*}}libc_strcmp_after_free.c:[[@LINE-4]]
}

int main(void) {
  char *a = malloc(16), *b = malloc(16);
  strcpy(a, "apple");
  strcpy(b, "apricot");
  printf("%d\n", same(a, b));
  free(b);
  printf("%d\n", same(a, b));
  // CHECK: #2 {{.*}} in main {{.*}}libc_strcmp_after_free.c:[[@LINE-1]]
  return 0;
}
