// A chunk pushed out of a small quarantine waits, still poisoned, for reuse: the same block handed
// out again is clean memory for its new owner, and a late use of one still waiting is still a
// heap-use-after-free.
// RUN: %ffisan_cc -O1 %s -o %t
// RUN: env FFISAN_OPTIONS=quarantine_size_mb=1:halt_on_error=0 not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static int peek(const char *p) { return p[0]; }

static void churn(void) { // 100000 frees of 100-byte chunks: far more than 1 MiB of quarantine
  for (int i = 0; i < 100000; i++) {
    char *c = malloc(100);
    __asm__ volatile("" : : "r"(c) : "memory");
    free(c);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); // keep our lines in order with the reports on stderr
  char *first = malloc(40);
  __asm__ volatile("" : "+r"(first)); // keep -O1 from folding the allocations away
  free(first);
  churn();
  char *fresh = malloc(40);
  __asm__ volatile("" : "+r"(fresh));
  memset(fresh, 'x', 40);
  printf("reused %d, value %c\n", fresh == first, fresh[39]);
  // CHECK-NOT: ERROR: ffisan
  // CHECK: reused 1, value x

  char *old = malloc(40);
  __asm__ volatile("" : "+r"(old));
  free(old);
  churn();
  printf("late read %d\n", peek(old));
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: #0 {{.*}} in peek
  // CHECK: late read
  free(fresh);
  return 0;
}
// CHECK: ffisan: 1 finding: heap-use-after-free 1
