// A local that escapes on one path only gets its fake frame lazily, on that path: a pointer to it
// used after the function returned is still a stack-use-after-return, and calls that take the
// other path (no frame at all) leave nothing behind.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>

int *saved;

__attribute__((noinline)) void save(int *p) { saved = p; }

__attribute__((noinline)) int maybe_save(int c) {
  if (c) {
    int local = 7 * c;
    save(&local);
    return local;
  }
  return 0;
}

int main(void) {
  int sum = 0;
  for (int i = 0; i < 3; i++)
    sum += maybe_save(0);
  sum += maybe_save(1);
  sum += maybe_save(0);
  printf("%d\n", sum + *saved);
  // CHECK: ERROR: ffisan: stack-use-after-return
  // CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in main {{.*}}stack_use_after_return_lazy_frame.c:[[@LINE-3]]
  // CHECK: is located in a dead stack frame of thread T0
  return 0;
}
