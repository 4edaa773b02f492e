// Fibers on mmap'd stacks announced with __sanitizer_start_switch_fiber/finish_switch_fiber: the
// thread's stack follows the fiber (a fiber's local is described as on its stack), the finish
// gives back the bounds of the stack left, allocations and escaping locals on fibers report
// nothing, and switching back to the thread's own stack restores it.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <sanitizer/common_interface_defs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define STACK (1 << 17)
static ucontext_t main_context, fiber_context[2];
static char *fiber_stack[2];
static const void *main_bottom;
static size_t main_size;
static int results[2];

__attribute__((noinline)) static void consume(char *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

static void to_main(int id) {
  void *fake = 0;
  __sanitizer_start_switch_fiber(&fake, main_bottom, main_size);
  swapcontext(&fiber_context[id], &main_context);
  __sanitizer_finish_switch_fiber(fake, 0, 0);
}

static void body(int id) {
  const void *from;
  size_t from_size;
  __sanitizer_finish_switch_fiber(0, &from, &from_size);
  if (id == 0) {
    main_bottom = from;
    main_size = from_size;
  }
  char local[64];
  uintptr_t at = (uintptr_t)__builtin_frame_address(0);
  int on_own_stack = at >= (uintptr_t)fiber_stack[id] && at < (uintptr_t)fiber_stack[id] + STACK;
  for (int round = 0; round < 3; round++) {
    char *heap = strdup("fiber data");
    snprintf(local, sizeof local, "fiber %d round %d %s", id, round, heap);
    consume(local);
    results[id] += (int)strlen(local) + on_own_stack;
    free(heap);
    to_main(id);
  }
  __sanitizer_start_switch_fiber(0, main_bottom, main_size); // this fiber ends
}

int main(void) {
  char here;
  for (int i = 0; i < 2; i++) {
    fiber_stack[i] = mmap(0, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    getcontext(&fiber_context[i]);
    fiber_context[i].uc_stack.ss_sp = fiber_stack[i];
    fiber_context[i].uc_stack.ss_size = STACK;
    fiber_context[i].uc_link = &main_context;
    makecontext(&fiber_context[i], (void (*)(void))body, 1, i);
  }
  for (int round = 0; round <= 3; round++)
    for (int i = 0; i < 2; i++) {
      void *fake = 0;
      __sanitizer_start_switch_fiber(&fake, fiber_stack[i], STACK);
      swapcontext(&main_context, &fiber_context[i]);
      __sanitizer_finish_switch_fiber(fake, 0, 0);
    }
  uintptr_t h = (uintptr_t)&here, lo = (uintptr_t)main_bottom;
  printf("main stack known: %d, results %d %d\n", h >= lo && h < lo + main_size, results[0],
         results[1]);
  // CHECK: main stack known: 1, results 81 81
  return 0;
}
