// Thousands of longjmps out of frames with escaping locals fill the fake stack with abandoned
// frames; they are collected when a size class runs out, so later frames still get fake frames and
// a use after return is still caught afterwards.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static jmp_buf escape;

__attribute__((noinline)) static void consume(char *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

__attribute__((noinline)) static void dive(int depth) {
  char buf[100]; // the 128-byte class: 2048 slots per thread
  memset(buf, depth, sizeof buf);
  consume(buf);
  if (depth == 0)
    longjmp(escape, 1);
  dive(depth - 1);
}

__attribute__((noinline)) static char *dangling(void) {
  char buf[100];
  strcpy(buf, "gone");
  char *volatile p = buf;
  return p;
}

int main(void) {
  for (int i = 0; i < 5000; i++)
    if (!setjmp(escape))
      dive(4);
  fprintf(stderr, "jumps done\n");
  // CHECK: jumps done
  char *p = dangling();
  return p[0];
  // CHECK: ERROR: ffisan: stack-use-after-return
  // CHECK: READ of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in main {{.*}}fake_stack_longjmp.c:[[@LINE-3]]
}
