// Two threads free the same chunk at the same moment, many thousand times, in recover mode: one
// free wins each race and the other is a double free. No chunk may reach the free lists twice —
// with no quarantine a chunk retired twice would be handed out twice, so after the races every
// live chunk must have an address of its own. The threads meet at a spinning barrier so that
// their frees start within a few hundred cycles of each other.
// RUN: %ffisan_cc -O1 %s -o %t -pthread
// RUN: env FFISAN_OPTIONS=halt_on_error=0:quarantine_size_mb=0 not %t 2>&1 | FileCheck %s
// CHECK: ERROR: ffisan: double-free
// CHECK: ok: {{[0-9]+}} live chunks, all distinct
// CHECK: ffisan: {{[0-9]+}} finding{{s?}}: double-free {{[0-9]+$}}
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 200000
#define LIVE 400000

static char *volatile shared;
static atomic_uint arrived;

// Both threads wait here until the other has come; `round` counts the meetings so far.
static void meet(unsigned round) {
  atomic_fetch_add(&arrived, 1);
  while (atomic_load(&arrived) < 2 * (round + 1))
    ;
}

static void *racer(void *arg) {
  int first = arg != NULL;
  for (unsigned i = 0; i < ROUNDS; i++) {
    if (first)
      shared = malloc(32);
    meet(2 * i);
    free(shared);
    meet(2 * i + 1);
  }
  return NULL;
}

static int by_address(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return (x > y) - (x < y);
}

int main(void) {
  pthread_t t[2];
  pthread_create(&t[0], NULL, racer, (void *)1);
  pthread_create(&t[1], NULL, racer, NULL);
  pthread_join(t[0], NULL);
  pthread_join(t[1], NULL);

  static uintptr_t live[LIVE];
  for (int i = 0; i < LIVE; i++)
    live[i] = (uintptr_t)malloc(32);
  qsort(live, LIVE, sizeof live[0], by_address);
  for (int i = 1; i < LIVE; i++)
    if (live[i] == live[i - 1]) {
      printf("chunk %#lx handed out twice\n", (unsigned long)live[i]);
      return 0;
    }
  printf("ok: %d live chunks, all distinct\n", LIVE);
  fflush(stdout);
  return 0;
}
