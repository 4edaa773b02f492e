// longjmp out of deep recursion whose frames hold escaping locals, then normal calls again: the
// abandoned fake frames are collected, nothing is reported.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static jmp_buf escape;

__attribute__((noinline)) static void consume(char *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

__attribute__((noinline)) static int dive(int depth) {
  char buf[64];
  memset(buf, depth, sizeof buf);
  consume(buf);
  if (depth == 0)
    longjmp(escape, 1);
  return dive(depth - 1) + buf[1];
}

__attribute__((noinline)) static int shallow(int x) {
  char local[64];
  memset(local, x, sizeof local);
  consume(local);
  return local[10];
}

int main(void) {
  int total = 0;
  for (int round = 0; round < 200; round++) {
    if (setjmp(escape) == 0)
      dive(100);
    total += shallow(round & 7);
  }
  printf("total %d\n", total);
  // CHECK: total 700
  return 0;
}
