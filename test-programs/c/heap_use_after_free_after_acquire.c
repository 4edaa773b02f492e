// A field read, then another thread frees the struct and says so through an atomic flag this
// thread acquires, then the same field read again with no call in between: the acquire orders the
// free before the second read, so the first read's check does not cover it (the pass counts an
// acquiring atomic like a call that may free), and the second read is a heap-use-after-free.
// RUN: %ffisan_cc -O2 %s -o %t -lpthread && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t -lpthread && not %t 2>&1 | FileCheck %s
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct box {
  long value;
};

static struct box *shared;
static atomic_int go, freed;

static void *freer(void *arg) {
  (void)arg;
  while (!atomic_load_explicit(&go, memory_order_acquire)) {
  }
  free(shared);
  atomic_store_explicit(&freed, 1, memory_order_release);
  return NULL;
}

__attribute__((noinline)) long read_twice(struct box *b) {
  long first = b->value;
  atomic_store_explicit(&go, 1, memory_order_release);
  while (!atomic_load_explicit(&freed, memory_order_acquire)) {
  }
  long second = b->value; // the struct is freed by now
  // CHECK: ERROR: ffisan: heap-use-after-free on address
  // CHECK: READ of size 8 at
  // CHECK: #0 {{.*}} in read_twice {{.*}}heap_use_after_free_after_acquire.c:[[@LINE-3]]
  // CHECK: freed by thread T1 here:
  // CHECK: in freer {{.*}}heap_use_after_free_after_acquire.c:
  return first + second;
}

int main(void) {
  shared = malloc(sizeof *shared);
  shared->value = 20;
  pthread_t t;
  pthread_create(&t, NULL, freer, NULL);
  long sum = read_twice(shared);
  pthread_join(t, NULL);
  printf("%ld\n", sum);
  return 0;
}
