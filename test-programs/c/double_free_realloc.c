// realloc() of a pointer that was already freed is a double-free, and realloc returns NULL in
// recover mode instead of touching the chunk.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir && not %t 2>&1 | FileCheck %s
// RUN: %clang -g -O2 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
// RUN: env FFISAN_OPTIONS=halt_on_error=0 not %t 2>&1 | FileCheck %s --check-prefixes=CHECK,RECOVER
#include <stdio.h>
#include <stdlib.h>

char *volatile keep; // makes the optimizer keep every call

int main(void) {
  keep = malloc(32);
  free(keep);
  char *grown = realloc(keep, 64);
  // CHECK: ERROR: ffisan: double-free on address
  // CHECK: #0 {{.*}} in realloc
  // CHECK: #1 {{.*}} in main {{.*}}double_free_realloc.c:[[@LINE-3]]
  // CHECK: is located 0 bytes inside of 32-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: in main {{.*}}double_free_realloc.c:[[@LINE-7]]
  printf("realloc returned %s\n", grown ? "memory" : "NULL");
  // RECOVER: realloc returned NULL
  // RECOVER: ffisan: 1 finding: double-free 1
  return 0;
}
