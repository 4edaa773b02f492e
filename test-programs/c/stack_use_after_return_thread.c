// A use after return inside a second thread: the dead frame is that thread's, and the report says so.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <pthread.h>
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) static int *counter_for(int start) {
  int counter = start;
  int *volatile escape = &counter;
  return escape;
}

static void *worker(void *arg) {
  int *c = counter_for(7);
  return (void *)(long)*c;
  // CHECK: ERROR: ffisan: stack-use-after-return
  // CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T1
  // CHECK: #0 {{.*}} in worker {{.*}}stack_use_after_return_thread.c:[[@LINE-3]]
  // CHECK: dead stack frame of thread T1
}

int main(void) {
  pthread_t t;
  pthread_create(&t, 0, worker, 0);
  pthread_join(t, 0);
  return 0;
}
