// Juliet's ALLOCA(n): alloca() of a constant size, in the entry block but after other code at -O0
// (not at the block's top). It is a static alloca (a slot of the fixed frame, as LLVM and ASan
// see it), so it moves into the fake frame with redzones like any local: a read one past its end
// is a stack-buffer-overflow, one before its start a stack-buffer-underflow, at -O0 as at -O2.
// ASan names the object '' here; ffisan names it '<local>' with the line.
// RUN: %ffisan_cc -g -O0 %s -o %t0 && %ffisan_cc -g -O2 %s -o %t2 && %ffisan_cc -g -O3 %s -o %t3
// RUN: not %t0 0 2>&1 | FileCheck %s --check-prefix=PAST
// RUN: not %t2 0 2>&1 | FileCheck %s --check-prefix=PAST
// RUN: not %t3 0 2>&1 | FileCheck %s --check-prefix=PAST
// RUN: not %t0 1 2>&1 | FileCheck %s --check-prefix=BEFORE
// RUN: not %t2 1 2>&1 | FileCheck %s --check-prefix=BEFORE
// RUN: not %t3 1 2>&1 | FileCheck %s --check-prefix=BEFORE
#include <alloca.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int const_alloca_past_end(int i) {
  int k = i * 2; // code before the alloca in the entry block
  char *a = alloca(50);
  memset(a, 'x', 50);
  volatile char *p = a;
  return p[50 + i] + k;
  // PAST: ERROR: ffisan: stack-buffer-overflow on address
  // PAST: READ of size 1 at {{0x[0-9a-f]+}} thread T0
  // PAST: #0 {{.*}} in const_alloca_past_end {{.*}}stack_buffer_overflow_const_alloca.c:[[@LINE-3]]
  // PAST: [32, 82) '<local>' (line {{[0-9]+}}) <== Memory access at offset 82 overflows this variable
  // PAST: SUMMARY: ffisan: stack-buffer-overflow {{.*}}stack_buffer_overflow_const_alloca.c:[[@LINE-5]]{{.*}} in const_alloca_past_end
}

__attribute__((noinline)) int const_alloca_before_start(int i) {
  int k = i * 2;
  char *a = alloca(50);
  memset(a, 'x', 50);
  volatile char *p = a;
  return p[i - 1] + k;
  // BEFORE: ERROR: ffisan: stack-buffer-underflow on address
  // BEFORE: #0 {{.*}} in const_alloca_before_start {{.*}}stack_buffer_overflow_const_alloca.c:[[@LINE-2]]
  // BEFORE: [32, 82) '<local>' (line {{[0-9]+}}) <== Memory access at offset 31 underflows this variable
}

int main(int argc, char **argv) {
  int which = atoi(argv[1]);
  if (which == 0)
    printf("%d\n", const_alloca_past_end(argc - 2));
  if (which == 1)
    printf("%d\n", const_alloca_before_start(argc - 2));
  return 0;
}
