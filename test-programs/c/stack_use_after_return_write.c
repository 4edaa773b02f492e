// A callback registered with a pointer to a local that has since gone out of scope writes through it.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>

static long *result_slot;

__attribute__((noinline)) void start_job(void) {
  long result = 0;
  result_slot = &result;
  __asm__ volatile("" ::"r"(&result) : "memory");
}

__attribute__((noinline)) void finish_job(long value) {
  *result_slot = value;
  // CHECK: ERROR: ffisan: stack-use-after-return
  // CHECK: WRITE of size 8 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in finish_job {{.*}}stack_use_after_return_write.c:[[@LINE-3]]
}

int main(void) {
  start_job();
  finish_job(7);
  puts("done");
  return 0;
}
