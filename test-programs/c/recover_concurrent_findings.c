// Eight threads hit eight distinct use-after-free findings at the same moment, many times each, in
// recover mode: each finding is reported once, and neither the text nor the JSON reports interleave.
// RUN: %ffisan_cc -O1 %s -o %t -pthread
// RUN: rm -f %t.log.* %t.jsonl
// RUN: env FFISAN_OPTIONS=halt_on_error=0:log_path=%t.log:json_path=%t.jsonl not %t
// RUN: python3 %S/Inputs/check_concurrent_reports.py %t.log.* %t.jsonl 8 | FileCheck %s
// CHECK: ok: 8 reports, none interleaved
#include <pthread.h>
#include <stdlib.h>

#define THREADS 8
static char *freed[THREADS];
static pthread_barrier_t start;

#define READER(n) \
  __attribute__((noinline)) static int read##n(void) { return freed[n][0]; }
READER(0) READER(1) READER(2) READER(3) READER(4) READER(5) READER(6) READER(7)
static int (*const readers[THREADS])(void) = {read0, read1, read2, read3, read4, read5, read6, read7};

static void *hammer(void *arg) {
  long id = (long)arg;
  pthread_barrier_wait(&start);
  int sum = 0;
  for (int i = 0; i < 50; i++)
    sum += readers[id]();
  return (void *)(long)sum;
}

int main(void) {
  for (int i = 0; i < THREADS; i++) {
    freed[i] = malloc(32);
    free(freed[i]);
  }
  pthread_barrier_init(&start, NULL, THREADS);
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++)
    pthread_create(&t[i], NULL, hammer, (void *)i);
  for (int i = 0; i < THREADS; i++)
    pthread_join(t[i], NULL);
  return 0;
}
