// `ffisan cc` compiles with line tables only (no -g of the user's): reports still name the
// function an access was inlined from, then the function it was inlined into, with lines.
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>

static inline __attribute__((always_inline)) int element(const int *p, int i) {
  return p[i]; // one past the end
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: #0 {{.*}} in element {{.*}}report_inlined_frames.c:[[@LINE-2]]:10
}

__attribute__((noinline)) int last(const int *p, int n) {
  return element(p, n);
  // CHECK-NEXT: #1 {{.*}} in last {{.*}}report_inlined_frames.c:[[@LINE-1]]:10
}

int main(void) {
  int *p = calloc(4, sizeof(int));
  printf("%d\n", last(p, 4));
  // CHECK-NEXT: #2 {{.*}} in main {{.*}}report_inlined_frames.c:[[@LINE-1]]:18
  free(p);
  return 0;
}
