// Reading 24 bytes before a malloc'd chunk: an underflow, named by its distance before the chunk.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) char before(const char *p, long back) {
  return p[-back];
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in before {{.*}}heap_buffer_underflow.c:[[@LINE-3]]
}

int main(int argc, char **argv) {
  char *p = malloc(100);
  // CHECK: is located 24 bytes before 100-byte region
  // CHECK: {{^}}allocated by thread T0 here:
  // CHECK: in main {{.*}}heap_buffer_underflow.c:[[@LINE-3]]
  printf("%d\n", before(p, 23 + argc));
  free(p);
  return 0;
}
