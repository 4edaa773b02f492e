// A function returns the address of its local buffer; the caller reads it after the frame died.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) char *make_greeting(const char *who) {
  char buf[32];
  snprintf(buf, sizeof buf, "hi %s", who);
  char *volatile escape = buf; // hide the escape from -Wreturn-stack-address and the optimizer
  return escape;
}

int main(void) {
  char *g = make_greeting("bob");
  printf("%c\n", g[0]);
  // CHECK: ERROR: ffisan: stack-use-after-return
  // CHECK: READ of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in main {{.*}}stack_use_after_return.c:[[@LINE-3]]
  // CHECK: is located in a dead stack frame of thread T0
  return 0;
}
