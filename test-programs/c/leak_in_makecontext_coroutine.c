// The leak check runs inside a coroutine on a makecontext stack from mmap (no chunk, no registry
// entry): the coroutine's live frames on it and the suspended scheduler's on the thread's own
// stack are both roots, so the chunks each holds are not leaks; one dropped by the coroutine is.
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t -lpthread && env FFISAN_OPTIONS=leak_check_at_exit=0 %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 -I%root/runtime/include %s -o %t -lpthread && env FFISAN_OPTIONS=leak_check_at_exit=0 %t 2>&1 | FileCheck %s
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "Inputs/leak_helpers.h"

static ucontext_t scheduler, coroutine;

__attribute__((noinline)) static void drop_one(void) {
  consume(malloc(24));
  // CHECK: Direct leak of 24 byte(s) in 1 object(s) allocated from:
  // CHECK: in drop_one {{.*}}leak_in_makecontext_coroutine.c:[[@LINE-2]]
}


static void body(void) {
  char *on_coroutine_stack = malloc(56);
  memset(on_coroutine_stack, 'c', 56);
  on_a_thread(drop_one);
  int leaked = __lsan_do_recoverable_leak_check();
  printf("leaks found: %d\n", leaked);
  consume(on_coroutine_stack);
  free(on_coroutine_stack);
  swapcontext(&coroutine, &scheduler);
}

int main(void) {
  char *on_main_stack = malloc(72);
  memset(on_main_stack, 'm', 72);
  getcontext(&coroutine);
  coroutine.uc_stack.ss_sp =
      mmap(0, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  coroutine.uc_stack.ss_size = 1 << 16;
  coroutine.uc_link = &scheduler;
  makecontext(&coroutine, body, 0);
  swapcontext(&scheduler, &coroutine);
  consume(on_main_stack);
  free(on_main_stack);
  return 0;
}
// CHECK-NOT: leak of 56
// CHECK-NOT: leak of 72
// CHECK: SUMMARY: ffisan: 24 byte(s) leaked in 1 allocation(s).
// CHECK: leaks found: 1
// No check at exit: every makecontext stack is a root, scanned whole, and the finished coroutine's
// dead frames (the first check's among them) still hold copies of the chunks' addresses, so it
// would miss the leak (a missed leak, never a false one).
