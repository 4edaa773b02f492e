// halt_on_error=0: each distinct finding (kind and pc) is reported once, the program goes on, and
// at exit one line counts the findings by kind and the exit status becomes `exitcode`.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
// RUN: env FFISAN_OPTIONS=halt_on_error=0 not %t 2>&1 | FileCheck %s
// RUN: env FFISAN_OPTIONS=halt_on_error=0:exitcode=42 sh -c '%t >/dev/null 2>&1; test $? -eq 42'
// RUN: env FFISAN_OPTIONS=halt_on_error=1 not %t 2>&1 | FileCheck %s --check-prefix=HALT
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// The inline check the pass would emit, called by hand.
void __ffisan_slow_access(uint64_t addr, uint64_t size, uint32_t flags);

char *volatile chunk;

__attribute__((noinline)) void read_byte(char *p) { __ffisan_slow_access((uint64_t)p, 1, 0); }

int main(void) {
  chunk = malloc(6);
  free(chunk);
  for (int i = 0; i < 3; i++)
    read_byte(chunk); // one pc: reported once
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: #0 {{.*}} in read_byte
  // CHECK: SUMMARY: ffisan: heap-use-after-free {{.*}} in read_byte
  // CHECK-NOT: in read_byte
  __ffisan_slow_access((uint64_t)chunk + 1, 1, 1); // another pc
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: WRITE of size 1
  free(chunk);
  // CHECK: ERROR: ffisan: double-free
  printf("still running\n");
  fflush(stdout);
  // CHECK: still running
  // CHECK: ==[[PID:[0-9]+]]==ffisan: 3 findings: heap-use-after-free 2, double-free 1
  // HALT: ERROR: ffisan: heap-use-after-free
  // HALT-NOT: still running
  // HALT-NOT: ERROR
  return 0;
}
