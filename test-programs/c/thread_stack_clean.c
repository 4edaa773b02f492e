// Threads whose functions keep escaping locals in fake frames, read each other's live stacks and
// leave through pthread_exit from a nested call: nothing is reported, and every thread's stack is
// a "stack" region for ffisan_region_kind.
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 -I%root/runtime/include %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "ffisan.h"

#define THREADS 8
static int shared_main_local_seen;

__attribute__((noinline)) static void consume(char *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

__attribute__((noinline)) static int fill(int depth, int seed) {
  char buf[64]; // escapes: lives in a fake frame
  memset(buf, seed, sizeof buf);
  consume(buf);
  int sum = depth ? fill(depth - 1, seed + 1) : 0;
  return sum + buf[depth % 64];
}

__attribute__((noinline)) static void leave_early(void) {
  char note[32];
  consume(note);
  pthread_exit(0); // the fake frames still in use are given back at thread exit
}

static void *worker(void *arg) {
  int *main_local = arg; // a live local of the main thread
  int total = 0;
  for (int i = 0; i < 200; i++)
    total += fill(10, i);
  __atomic_add_fetch(&shared_main_local_seen, *main_local, __ATOMIC_RELAXED);
  char here[16];
  consume(here);
  if (strcmp(ffisan_region_kind(here), "stack") != 0)
    printf("bad kind %s\n", ffisan_region_kind(here));
  if (total == 12345)
    puts("unlikely");
  if ((long)arg & 1)
    return 0;
  leave_early();
  return 0;
}

int main(void) {
  int token = 1;
  for (int round = 0; round < 3; round++) {
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
      pthread_create(&t[i], 0, worker, &token);
    for (int i = 0; i < THREADS; i++)
      pthread_join(t[i], 0);
  }
  printf("seen %d, main local is %s\n", shared_main_local_seen, ffisan_region_kind(&token));
  // CHECK: seen 24, main local is stack
  return 0;
}
