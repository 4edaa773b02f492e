// detect_stack_use_after_return=0: escaping locals stay on the real stack (no fake frame is
// handed out, on the main thread or another), and reading a dead frame is not reported.
// RUN: %ffisan_cc -O2 %s -o %t -lpthread
// RUN: env FFISAN_OPTIONS=detect_stack_use_after_return=0 %t 2>&1 | FileCheck %s --check-prefix=OFF --implicit-check-not=ffisan
// RUN: not %t 2>&1 | FileCheck %s --check-prefix=ON
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) char *fill(char c) {
  char buf[32];
  for (int i = 0; i < 32; i++)
    buf[i] = c;
  char *volatile escape = buf; // hide the escape from the optimizer
  return escape;
}

// How far `p` lies from this thread's real stack (a local would be in a fake frame itself).
__attribute__((noinline)) static long distance_from_stack(const char *p) {
  long d = p - (char *)__builtin_frame_address(0);
  return d < 0 ? -d : d;
}

static void *thread_main(void *arg) {
  (void)arg;
  char *p = fill('t');
  printf("thread frame on the real stack: %d\n", distance_from_stack(p) < (1 << 20));
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); // the lines before the report must reach the pipe
  pthread_t t;
  pthread_create(&t, NULL, thread_main, NULL);
  pthread_join(t, NULL);
  char *p = fill('m');
  printf("main frame on the real stack: %d\n", distance_from_stack(p) < (1 << 20));
  // OFF: thread frame on the real stack: 1
  // OFF: main frame on the real stack: 1
  // ON: thread frame on the real stack: 0
  // ON: main frame on the real stack: 0
  volatile char c = p[0]; // what the dead frame holds by now does not matter
  (void)c;
  printf("read done\n");
  // OFF: read done
  // ON: ERROR: ffisan: stack-use-after-return
  // ON: READ of size 1
  return 0;
}
