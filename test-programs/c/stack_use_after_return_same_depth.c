// The dead frame's address is used inside another function called later at the same call depth,
// where the real stack is live again; only fake frames can tell that the frame is gone.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>

static int *saved;

__attribute__((noinline)) void remember(void) {
  int local[4] = {1, 2, 3, 4};
  saved = local;
  __asm__ volatile("" ::"r"(local) : "memory");
}

__attribute__((noinline)) int later(void) {
  int mine[4] = {5, 6, 7, 8}; // occupies the same real stack slot remember() used
  __asm__ volatile("" ::"r"(mine) : "memory");
  return saved[1];
  // CHECK: ERROR: ffisan: stack-use-after-return
  // CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in later {{.*}}stack_use_after_return_same_depth.c:[[@LINE-3]]
}

int main(void) {
  remember();
  printf("%d\n", later());
  return 0;
}
