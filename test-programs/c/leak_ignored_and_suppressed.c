// What the program says is no leak is not reported: a chunk passed to __lsan_ignore_object,
// what it allocates between __lsan_disable and __lsan_enable, memory reached only from a root
// region it registered, and (with a suppressions file) a `leak:` rule naming the allocating
// function. The one leak none of these covers is still reported and sets the exit status;
// suppressing it too leaves a clean exit, with verbosity=1 counting the suppressed paragraphs.
// RUN: %ffisan_cc -O0 %s -o %t -lpthread && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t -lpthread && not %t 2>&1 | FileCheck %s
// RUN: echo "# a cache that lives as long as the process" > %t.supp
// RUN: echo "leak:make_cache" >> %t.supp
// RUN: env FFISAN_OPTIONS=suppressions=%t.supp not %t 2>&1 | FileCheck %s --check-prefix=SUPP
// RUN: echo "memory-leak:*leak_ignored_and_suppressed.c" > %t.all
// RUN: env FFISAN_OPTIONS=suppressions=%t.all:verbosity=1 %t 2>&1 | FileCheck %s --check-prefix=ALL
#include <pthread.h>
#include <sanitizer/lsan_interface.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

// Keeps the compiler from deleting an allocation whose only use is a store (LLVM may at -O2).
__attribute__((noinline)) static void consume(void *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

static void **arena; // our own mapping, a registered root region

__attribute__((noinline)) static void ignored(void) {
  void *p = malloc(11);
  consume(p);
  __lsan_ignore_object(p);
  __lsan_disable();
  consume(malloc(12));
  __lsan_enable();
  arena[3] = malloc(13);
}

__attribute__((noinline)) static void make_cache(void) {
  consume(malloc(200));
  // CHECK: Direct leak of 200 byte(s) in 1 object(s) allocated from:
  // CHECK: in make_cache {{.*}}leak_ignored_and_suppressed.c:[[@LINE-2]]
}

__attribute__((noinline)) static void make_other(void) {
  consume(malloc(100));
  // CHECK: Direct leak of 100 byte(s) in 1 object(s) allocated from:
  // CHECK: in make_other {{.*}}leak_ignored_and_suppressed.c:[[@LINE-2]]
  // SUPP: Direct leak of 100 byte(s) in 1 object(s) allocated from:
  // SUPP: in make_other
}

// The leaking calls run on a thread that has ended by the check: a conservative scan cannot tell
// a dead stack slot from a live one (nor can LeakSanitizer's), and a finished thread has none.
static void *body(void *arg) {
  (void)arg;
  ignored();
  make_cache();
  make_other();
  return 0;
}

int main(void) {
  arena = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  __lsan_register_root_region(arena, 4096);
  pthread_t t;
  pthread_create(&t, 0, body, 0);
  pthread_join(t, 0);
  return 0;
}
// CHECK-NOT: leak of 1{{[123]}} byte
// CHECK: SUMMARY: ffisan: 300 byte(s) leaked in 2 allocation(s).
// SUPP-NOT: leak of 200
// SUPP: SUMMARY: ffisan: 100 byte(s) leaked in 1 allocation(s).
// ALL-NOT: leak of
// ALL: ffisan: 2 finding(s) suppressed
