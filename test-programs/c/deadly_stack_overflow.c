// Unbounded recursion is reported as a stack-overflow, on the main thread and on another one: the
// handler runs on an alternate stack the runtime gave the thread.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck --check-prefixes=CHECK,MAIN %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck --check-prefixes=CHECK,MAIN %s
// RUN: %ffisan_cc -O0 %s -o %t && not %t thread 2>&1 | FileCheck --check-prefixes=CHECK,THREAD %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t thread 2>&1 | FileCheck --check-prefixes=CHECK,THREAD %s
// RUN: %ffisan_cc -O2 %s -o %t && env FFISAN_OPTIONS=use_sigaltstack=0 sh -c '%t 2>&1; test $? -ne 0' | FileCheck --check-prefix=NOALT --allow-empty %s
#include <pthread.h>
#include <stdio.h>

__attribute__((noinline)) int descend(volatile char *parent, int depth) {
  volatile char frame[512];
  frame[0] = (char)depth;
  frame[511] = parent ? parent[0] : 0;
  return descend(frame, depth + 1) + frame[1];
  // MAIN: =={{[0-9]+}}==ERROR: ffisan: stack-overflow on address 0x{{[0-9a-f]+}} (pc 0x{{[0-9a-f]+}} bp 0x{{[0-9a-f]+}} sp 0x{{[0-9a-f]+}} T0)
  // THREAD: =={{[0-9]+}}==ERROR: ffisan: stack-overflow on address 0x{{[0-9a-f]+}} (pc 0x{{[0-9a-f]+}} bp 0x{{[0-9a-f]+}} sp 0x{{[0-9a-f]+}} T1)
  // The fault may hit in a runtime entry descend calls (its fake-frame enter): #0 is then the
  // runtime's and descend is #1.
  // CHECK: #{{[01]}} {{.*}} in descend {{.*}}deadly_stack_overflow.c:{{1[1-5]}}
  // CHECK: #{{[12]}} {{.*}} in descend {{.*}}deadly_stack_overflow.c:[[@LINE-6]]
  // CHECK: SUMMARY: ffisan: stack-overflow {{.*}}deadly_stack_overflow.c:{{1[1-5]}}{{.*}} in descend
}

static void *run(void *arg) { return (void *)(long)descend(arg, 0); }

int main(int argc, char **argv) {
  (void)argv;
  if (argc > 1) {
    pthread_t t;
    pthread_create(&t, 0, run, 0);
    pthread_join(t, 0);
  }
  return descend(0, 0);
}
// NOALT-NOT: ffisan
