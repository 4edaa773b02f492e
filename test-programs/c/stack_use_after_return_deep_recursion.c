// A recursion deeper than a fake-frame class's ring (4096 slots of 64 bytes): the calls beyond it
// keep their locals on the real stack and compute the same result; once it unwinds, the freed
// slots serve again and a dead frame is still reported.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>

static int *saved;

__attribute__((noinline)) long depth_sum(int n) {
  long here = n; // escapes: a fake frame (or the real stack once the ring is full)
  __asm__ volatile("" ::"r"(&here) : "memory");
  return n == 0 ? here : here + depth_sum(n - 1);
}

__attribute__((noinline)) void remember(void) {
  int local[4] = {1, 2, 3, 4};
  saved = local;
  __asm__ volatile("" ::"r"(local) : "memory");
}

int main(void) {
  for (int round = 0; round < 3; round++)
    printf("sum %ld\n", depth_sum(20000));
  // CHECK: sum 200010000
  // CHECK: sum 200010000
  // CHECK: sum 200010000
  remember();
  fflush(stdout);
  return saved[2];
  // CHECK: ERROR: ffisan: stack-use-after-return
  // CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in main {{.*}}stack_use_after_return_deep_recursion.c:[[@LINE-3]]
}
