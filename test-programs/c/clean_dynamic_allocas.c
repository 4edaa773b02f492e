// Dynamic allocas used right up to their edges while they carry redzones on the real stack: VLAs
// of changing sizes in a loop (freed at each iteration's end and made again), alloca() in a loop,
// a VLA freed on scope exit and re-made, longjmp out of frames holding VLAs followed by calls that
// reuse that stack (pointers to their locals checked in callees), a signal handler with a VLA, and
// threads doing the same, one leaving through pthread_exit from under a VLA. No report.
// RUN: %ffisan_cc -O0 %s -o %t -pthread && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cc -O2 %s -o %t -pthread && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cc -O3 %s -o %t -pthread && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
#include <alloca.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) long sum(const char *p, int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += p[i];
  return s;
}

__attribute__((noinline)) long vlas_in_loop(int rounds) {
  long s = 0;
  for (int r = 0; r < rounds; r++) {
    int n = (r * 7) % 23 + 1;
    char vla[n];
    memset(vla, r, n);
    s += sum(vla, n) + vla[n - 1];
  }
  return s;
}

__attribute__((noinline)) long allocas_in_loop(int rounds) {
  long s = 0;
  for (int r = 1; r <= rounds; r++) {
    char *a = alloca(r); // each lives until the function returns
    memset(a, 1, r);
    s += sum(a, r);
  }
  return s;
}

__attribute__((noinline)) long remade(int n) {
  long s = 0;
  {
    int first[n];
    for (int i = 0; i < n; i++)
      first[i] = i;
    s += first[n - 1];
  }
  {
    char second[2 * n]; // where first was, and more
    memset(second, 2, sizeof second);
    s += sum(second, 2 * n);
  }
  return s;
}

static jmp_buf back;

__attribute__((noinline)) void deep(int depth) {
  char vla[depth * 8 + 5];
  memset(vla, depth, sizeof vla);
  sum(vla, sizeof vla);
  if (depth == 0)
    longjmp(back, 1); // leaves every deep() frame and its painted redzones
  deep(depth - 1);
  vla[0]++;
}

__attribute__((noinline)) long count(long *n) { return (*n)++; }

// Scalars whose addresses only a non-capturing callee sees stay on the real stack (at -O2), in
// each of these frames, over the stack the deep() frames used.
__attribute__((noinline)) long reuse_stack(int depth) {
  long a = depth, b = 1, c = 2, d = 3, e = 4, f = 5, g = 6, h = 7;
  long s = count(&a) + count(&b) + count(&c) + count(&d) + count(&e) + count(&f) + count(&g) +
           count(&h);
  if (depth > 0)
    s += reuse_stack(depth - 1);
  return s + a + b + c + d + e + f + g + h;
}

static volatile long in_handler;

static void handler(int sig) {
  char vla[sig + 3];
  memset(vla, 1, sizeof vla);
  in_handler += sum(vla, sizeof vla);
}

static void *worker(void *arg) {
  long *out = arg;
  *out = vlas_in_loop(50) + remade(9) + allocas_in_loop(20);
  if (*out > 0) {
    char vla[(int)(*out % 7) + 1];
    vla[0] = 1;
    sum(vla, 1);
    pthread_exit(NULL); // from under a VLA: its redzones are cleared with the thread
  }
  return NULL;
}

int main(void) {
  long s = vlas_in_loop(100) + allocas_in_loop(30) + remade(5);
  for (int i = 0; i < 3; i++) {
    if (setjmp(back) == 0)
      deep(12);
    s += reuse_stack(40);
  }
  signal(SIGUSR1, handler);
  raise(SIGUSR1);
  s += in_handler + reuse_stack(40);
  for (int round = 0; round < 3; round++) { // glibc hands the exited threads' stacks on
    pthread_t threads[2];
    long results[2];
    for (int i = 0; i < 2; i++)
      pthread_create(&threads[i], NULL, worker, &results[i]);
    for (int i = 0; i < 2; i++) {
      pthread_join(threads[i], NULL);
      s += results[i];
    }
  }
  printf("sum %ld\n", s);
  // CHECK: sum {{[0-9]+}}
  return 0;
}
