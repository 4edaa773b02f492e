// free() twice on a strdup'd string: double-free with the free and allocation stacks.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir && not %t 2>&1 | FileCheck %s
// RUN: %clang -g -O2 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *volatile name; // keeps the optimizer from dropping the calls

int main(void) {
  name = strdup("hello");
  free(name);
  free(name);
  // CHECK: ERROR: ffisan: double-free on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: FREE at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in free
  // CHECK: #1 {{.*}} in main {{.*}}double_free.c:[[@LINE-4]]
  // CHECK: [[ADDR]] is located 0 bytes inside of 6-byte region {{\[}}[[ADDR]],{{0x[0-9a-f]+}}) in the C heap
  // CHECK: freed by thread T0 here:
  // CHECK: #0 {{.*}} in free
  // CHECK: #1 {{.*}} in main {{.*}}double_free.c:[[@LINE-9]]
  // CHECK: previously allocated by thread T0 here:
  // CHECK: #0 {{.*}} in malloc
  // CHECK: #1 {{.*}} in strdup
  // CHECK: #2 {{.*}} in main {{.*}}double_free.c:[[@LINE-14]]
  // CHECK: SUMMARY: ffisan: double-free {{.*}}double_free.c:[[@LINE-13]]:{{[0-9]+}} in main
  puts("not reached");
  // CHECK-NOT: not reached
  return 0;
}
