// free() of a local, of a global, of a wild pointer, of a pointer into a live chunk and of one just
// before a chunk: each an invalid-free naming the region. In recover mode each call site is
// reported once and the exit status is `exitcode`.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
// RUN: env FFISAN_OPTIONS=halt_on_error=0 not %t 2>&1 | FileCheck %s
// RUN: env FFISAN_OPTIONS=halt_on_error=0:exitcode=3 sh -c '%t >/dev/null 2>&1; test $? -eq 3'
#include <stdio.h>
#include <stdlib.h>

int counters[4];

int main(void) {
  int local = 0;
  free(&local);
  // CHECK: ERROR: ffisan: invalid-free on address [[LOCAL:0x[0-9a-f]+]]
  // CHECK: [[LOCAL]] is located in the stack of thread T0
  free(&counters[1]);
  // CHECK: ERROR: ffisan: invalid-free on address [[GLOBAL:0x[0-9a-f]+]]
  // CHECK: [[GLOBAL]] is located in global data of {{.*}}invalid_free_stack_global.c.tmp
  free((void *)0x123456789);
  // CHECK: ERROR: ffisan: invalid-free on address 0x123456789
  // CHECK: 0x123456789 is not in any region ffisan knows (unknown memory)
  free((void *)0xdeadbeefdeadbeefUL);
  // CHECK: ERROR: ffisan: invalid-free on address 0xdeadbeefdeadbeef
  char *chunk = malloc(10);
  free(chunk + 4);
  // CHECK: ERROR: ffisan: invalid-free on address [[INTERIOR:0x[0-9a-f]+]]
  // CHECK: [[INTERIOR]] is located 4 bytes inside of 10-byte region
  // CHECK: allocated by thread T0 here:
  // CHECK: in main {{.*}}invalid_free_stack_global.c:[[@LINE-5]]
  free(chunk - 8);
  // CHECK: is located 8 bytes before 10-byte region
  for (int i = 0; i < 3; i++)
    free(&counters[2]); // one call site: one report
  // CHECK: is located in global data
  // CHECK-NOT: ERROR: ffisan
  free(chunk); // still live: freeing it properly is fine
  puts("survived");
  // CHECK: survived
  // CHECK: ffisan: 7 findings: invalid-free 7
  return 0;
}
