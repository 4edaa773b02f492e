// Reading one element past the end of a malloc'd array.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int sum(const int *a, int n) {
  int s = 0;
  for (int i = 0; i <= n; i++) // off by one
    s += a[i];
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in sum {{.*}}heap_buffer_overflow_read.c:[[@LINE-3]]
  return s;
}

int main(void) {
  int *a = malloc(5 * sizeof(int));
  for (int i = 0; i < 5; i++)
    a[i] = i;
  // CHECK: is located 0 bytes after 20-byte region
  // CHECK: {{^}}allocated by thread T0 here:
  // CHECK: in main {{.*}}heap_buffer_overflow_read.c:[[@LINE-5]]
  printf("%d\n", sum(a, 5));
  free(a);
  return 0;
}
