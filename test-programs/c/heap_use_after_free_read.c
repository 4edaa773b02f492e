// A string duplicated, freed, then read by another function: heap-use-after-free with all three stacks.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int use_name(const char *name) {
  return name[0]; // reads freed memory
  // CHECK: ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: READ of size 1 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in use_name {{.*}}heap_use_after_free_read.c:[[@LINE-3]]
}

int main(void) {
  char *name = strdup("hello");
  free(name);
  // CHECK: is located 0 bytes inside of 6-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: in main {{.*}}heap_use_after_free_read.c:[[@LINE-3]]
  // CHECK: previously allocated by thread T0 here:
  // CHECK: in main {{.*}}heap_use_after_free_read.c:[[@LINE-6]]
  int c = use_name(name);
  printf("%d\n", c);
  return 0;
}
// CHECK: SUMMARY: ffisan: heap-use-after-free {{.*}}heap_use_after_free_read.c:{{[0-9]+}}:{{[0-9]+}} in use_name
