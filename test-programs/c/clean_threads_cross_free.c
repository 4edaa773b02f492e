// Threads free each other's blocks and write into another thread's live stack: no finding.
// RUN: %ffisan_cc -O0 %s -o %t -pthread && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t -pthread && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 8
#define BLOCKS 2000

static char *blocks[THREADS][BLOCKS];
static pthread_barrier_t barrier;

struct mailbox {
  long *slot; // points into the owner's stack
  pthread_barrier_t *done;
};

static void *worker(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < BLOCKS; i++) {
    blocks[id][i] = malloc(16 + (size_t)(i % 200));
    blocks[id][i][0] = (char)i;
  }
  pthread_barrier_wait(&barrier);
  long next = (id + 1) % THREADS; // free the neighbour's blocks
  for (int i = 0; i < BLOCKS; i++)
    free(blocks[next][i]);
  return NULL;
}

static void *stack_writer(void *arg) {
  struct mailbox *box = arg;
  *box->slot = 1234; // the owner is blocked in the barrier: its frame is live
  pthread_barrier_wait(box->done);
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  pthread_barrier_init(&barrier, NULL, THREADS);
  for (long i = 0; i < THREADS; i++)
    pthread_create(&t[i], NULL, worker, (void *)i);
  for (int i = 0; i < THREADS; i++)
    pthread_join(t[i], NULL);

  long on_my_stack = 0;
  pthread_barrier_t done;
  pthread_barrier_init(&done, NULL, 2);
  struct mailbox box = {&on_my_stack, &done};
  pthread_t w;
  pthread_create(&w, NULL, stack_writer, &box);
  pthread_barrier_wait(&done);
  pthread_join(w, NULL);
  printf("value %ld\n", on_my_stack);
  // CHECK: value 1234
  return 0;
}
