// Coroutines on makecontext stacks (malloc'd memory) keep escaping locals across swapcontext and
// finish in a different order than they started: fake frames are freed out of order, nothing is
// reported.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#define COROUTINES 4
static ucontext_t scheduler, coroutine[COROUTINES];
static int results[COROUTINES];

__attribute__((noinline)) static void consume(char *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

__attribute__((noinline)) static int step(int id, int round) {
  char buf[48]; // escapes: a fake frame that stays live across the switch
  snprintf(buf, sizeof buf, "co%d-round%d", id, round);
  consume(buf);
  swapcontext(&coroutine[id], &scheduler);
  return (int)strlen(buf); // still our live frame after resuming
}

static void body(int id) {
  int total = 0;
  for (int round = 0; round <= id; round++) // coroutine i yields i+1 times
    total += step(id, round);
  results[id] = total;
}

int main(void) {
  for (int i = 0; i < COROUTINES; i++) {
    getcontext(&coroutine[i]);
    coroutine[i].uc_stack.ss_sp = malloc(1 << 16);
    coroutine[i].uc_stack.ss_size = 1 << 16;
    coroutine[i].uc_link = &scheduler;
    makecontext(&coroutine[i], (void (*)(void))body, 1, i);
  }
  for (int pass = 0; pass <= COROUTINES; pass++)
    for (int i = COROUTINES - 1; i >= 0; i--) // resume in reverse order
      if (pass <= i + 1)
        swapcontext(&scheduler, &coroutine[i]);
  printf("%d %d %d %d\n", results[0], results[1], results[2], results[3]);
  // CHECK: 10 20 30 40
  return 0;
}
