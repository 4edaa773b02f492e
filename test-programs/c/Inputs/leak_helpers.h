// Helpers of the leak tests: keeping an allocation alive through -O2, and running the leaking
// calls on a thread that has ended by the check.
#include <pthread.h>

// Keeps the compiler from deleting an allocation whose only use is a store (LLVM may at -O2).
__attribute__((noinline)) static void consume(void *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

static void *run_body(void *body) {
  ((void (*)(void))body)();
  return 0;
}

// A conservative scan cannot tell a dead stack slot from a live one (nor can LeakSanitizer's),
// and a finished thread has none: the leaking calls run there.
__attribute__((noinline)) static void on_a_thread(void (*body)(void)) {
  pthread_t t;
  pthread_create(&t, 0, run_body, (void *)body);
  pthread_join(t, 0);
}
