// strlen of a freed string is caught at the call, over the whole range strlen reads.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) size_t measure(const char *s) {
  return strlen(s);
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strlen ({{.*}})
  // CHECK: #1 {{.*}} in measure {{.*}}heap_use_after_free_strlen.c:[[@LINE-4]]
}

int main(void) {
  char *s = malloc(16);
  strcpy(s, "hello");
  __asm__ volatile("" : "+r"(s) : : "memory"); // keep the string alive at -O2
  free(s);
  printf("%zu\n", measure(s));
  return 0;
}
