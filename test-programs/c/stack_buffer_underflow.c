// Reading the element before a local array through a pointer a callee gets: stack-buffer-underflow,
// the access before the frame's first object.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>

__attribute__((noinline)) int previous(const int *p, int i) {
  return p[i - 1];
  // CHECK: ERROR: ffisan: stack-buffer-underflow on address
  // CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in previous {{.*}}stack_buffer_underflow.c:[[@LINE-3]]
  // CHECK: #1 {{.*}} in walk {{.*}}stack_buffer_underflow.c:[[@LINE+10]]
  // CHECK: is located in stack of thread T0 at offset 28 in frame of walk
  // CHECK: [32, 52) 'values' (line {{[0-9]+}}) <== Memory access at offset 28 underflows this variable
  // CHECK: SUMMARY: ffisan: stack-buffer-underflow {{.*}}stack_buffer_underflow.c:[[@LINE-7]]
}

__attribute__((noinline)) int walk(int start) {
  int values[5] = {start, 2, 3, 4, 5}; // not a constant: stays a local at -O2
  int s = 0;
  for (int i = start; i < 5; i++)
    s += previous(values, i);
  return s;
}

int main(int argc, char **argv) {
  printf("%d\n", walk(argc - 1));
  return 0;
}
