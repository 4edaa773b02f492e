// Locals with scopes, used only inside them while their addresses escape: a local reused in each
// iteration of a loop (with continue and break), one whose address escapes but is read only in
// its block, switch and goto into and out of blocks, a local handed to a callee inside the
// scope of a loop over setjmp/longjmp, and threads doing the same. No report.
// RUN: %ffisan_cc -O0 %s -o %t -pthread && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cc -O2 %s -o %t -pthread && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cc -O3 %s -o %t -pthread && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static int *volatile seen;

__attribute__((noinline)) int use(int *p, int n) {
  seen = p;
  int s = 0;
  for (int i = 0; i < n; i++)
    s += p[i]++;
  return s;
}

__attribute__((noinline)) int per_iteration(int rounds) {
  int total = 0;
  for (int r = 0; r < rounds; r++) {
    int cell[4] = {r, r, r, r};
    if (r % 3 == 1)
      continue; // leaves the scope early
    total += use(cell, 4);
    if (r == 40)
      break;
    int again = r;
    total += use(&again, 1);
  }
  return total;
}

__attribute__((noinline)) int escapes_in_scope(int n) {
  int s = 0;
  {
    int x = n;
    int *p = &x;
    seen = p;
    s += *seen + use(p, 1);
  }
  {
    int y[2] = {n, n}; // may reuse x's slot: each read stays in its own scope
    s += use(y, 2);
  }
  return s;
}

__attribute__((noinline)) int jumps(int which) {
  int s = 0;
  switch (which) {
  case 0: {
    int a = 1;
    s += use(&a, 1);
    break;
  }
  case 1: {
    int b[3] = {1, 2, 3};
    s += use(b, 3);
  } // falls through
  case 2: {
    int c = 5;
    s += use(&c, 1);
    if (which == 2)
      goto done;
    s += c;
    break;
  }
  default:
    goto inside;
  }
  s += 1;
  {
    int d;
  inside: // jumps into d's scope past its declaration
    d = which;
    s += use(&d, 1);
  }
done:
  return s;
}

static jmp_buf env;

__attribute__((noinline)) void bail(int *p) {
  for (int i = 0; i < 2; i++) {
    int inner[2] = {p[0], i};
    use(inner, 2);
    if (i == 1)
      longjmp(env, 1); // inside inner's scope: its frame is abandoned
  }
}

__attribute__((noinline)) int across_longjmp(int rounds) {
  volatile int s = 0; // changed between setjmp and longjmp
  for (int r = 0; r < rounds; r++) {
    if (setjmp(env) == 0) {
      int local[2] = {r, r};
      s += use(local, 2);
      bail(local);
    }
    s += escapes_in_scope(r); // runs where bail's frame was
  }
  return s;
}

static void *worker(void *arg) {
  int *out = arg;
  *out = per_iteration(100) + escapes_in_scope(3) + jumps(1) + jumps(7);
  return NULL;
}

int main(void) {
  int s = per_iteration(100) + escapes_in_scope(4);
  for (int w = 0; w < 5; w++)
    s += jumps(w);
  s += across_longjmp(10);
  pthread_t threads[2];
  int results[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&threads[i], NULL, worker, &results[i]);
  for (int i = 0; i < 2; i++) {
    pthread_join(threads[i], NULL);
    s += results[i];
  }
  printf("sum %d\n", s);
  // CHECK: sum {{[0-9]+}}
  return 0;
}
