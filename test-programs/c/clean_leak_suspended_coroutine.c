// A coroutine suspended on a makecontext stack from mmap (no chunk, no thread runs on it) holds the
// only pointer to a chunk in its live frame: the check made meanwhile does not report it
// (ffisan remembers every makecontext stack as a root). The coroutine then frees it and ends.
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 -I%root/runtime/include %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static ucontext_t scheduler, coroutine;

static void body(int id, int rounds) {
  char *held = malloc(88); // only this suspended frame points to it
  memset(held, id, 88);
  for (int i = 0; i < rounds; i++)
    swapcontext(&coroutine, &scheduler);
  printf("coroutine %d held %d\n", id, held[0]);
  free(held);
}

int main(void) {
  getcontext(&coroutine);
  coroutine.uc_stack.ss_sp =
      mmap(0, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  coroutine.uc_stack.ss_size = 1 << 16;
  coroutine.uc_link = &scheduler;
  makecontext(&coroutine, (void (*)(void))body, 2, 7, 1);
  swapcontext(&scheduler, &coroutine); // runs until its first switch back
  printf("leaks while suspended: %d\n", __lsan_do_recoverable_leak_check());
  // CHECK: leaks while suspended: 0
  swapcontext(&scheduler, &coroutine); // lets it finish
  // CHECK: coroutine 7 held 7
  return 0;
}
