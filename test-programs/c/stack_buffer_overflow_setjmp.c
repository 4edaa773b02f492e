// An overflow of a local array in a function that calls setjmp: stack-buffer-overflow naming the
// variable and the line, before any longjmp (0), after a longjmp came back into the function (1:
// ASan finds none, its longjmp unpoisoned the live frames above the target), and after a million
// rounds of setjmp/longjmp (2: the fake frames are not used up).
// RUN: %ffisan_cc -O0 %s -o %t && not %t 0 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 0 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 0 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O0 %s -o %t && not %t 1 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 1 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2 2>&1 | FileCheck %s
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf recover;

__attribute__((noinline)) static void fail(int code) { longjmp(recover, code); }

__attribute__((noinline)) int guarded_sum(int n, int jump_first) {
  int squares[8];
  for (int i = 0; i < 8; i++)
    squares[i] = i * i;
  if (setjmp(recover) == 0) {
    if (jump_first)
      fail(1);
  }
  int s = 0;
  for (int i = 0; i <= n; i++) // one too many
    s += squares[i];
  // CHECK: ERROR: ffisan: stack-buffer-overflow on address
  // CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in guarded_sum {{.*}}stack_buffer_overflow_setjmp.c:[[@LINE-3]]
  // CHECK: is located in stack of thread T0 at offset 64 in frame of guarded_sum
  // CHECK: [32, 64) 'squares' (line {{21|23}}) <== Memory access at offset 64 overflows this variable
  // CHECK: SUMMARY: ffisan: stack-buffer-overflow {{.*}}stack_buffer_overflow_setjmp.c:[[@LINE-6]]
  return s;
}

int main(int argc, char **argv) {
  int which = atoi(argv[1]);
  if (which == 2) {
    long s = 0;
    for (int round = 0; round < 1000000; round++)
      s += guarded_sum(argc + 5, 1);
    printf("%ld\n", s);
  }
  printf("%d\n", guarded_sum(argc + 6, which));
  return 0;
}
