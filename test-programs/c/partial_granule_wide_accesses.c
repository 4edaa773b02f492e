// 2- and 4-byte loads and stores at the tail of objects of odd sizes, whose last granule is partly
// addressable: the runtime's slow access decides them (the pass tests partial granules inline only
// for bytes). Covered accesses are never reported, from several threads at once (the slow access
// keeps the caller's registers: the sums stay right); one byte too far is, with its size and the
// access's line (the callers' calls in main are merged by -O2 and have no line of their own).
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s --check-prefix=CLEAN
// RUN: %ffisan_cc -O3 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s --check-prefix=CLEAN
// RUN: %ffisan_cc -O2 %s -o %t && not %t read4 2>&1 | FileCheck %s --check-prefix=READ4
// RUN: %ffisan_cc -O3 %s -o %t && not %t read4 2>&1 | FileCheck %s --check-prefix=READ4
// RUN: %ffisan_cc -O2 %s -o %t && not %t write2 2>&1 | FileCheck %s --check-prefix=WRITE2
// RUN: %ffisan_cc -O3 %s -o %t && not %t write2 2>&1 | FileCheck %s --check-prefix=WRITE2
// RUN: %ffisan_cc -O2 %s -o %t && not %t freed4 2>&1 | FileCheck %s --check-prefix=FREED4
// RUN: %ffisan_cc -O3 %s -o %t && not %t freed4 2>&1 | FileCheck %s --check-prefix=FREED4
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct triple {
  int32_t a, b, c; // 12 bytes: c is the first half of a granule whose shadow says 4
};

struct tail6 {
  int32_t a;
  int16_t b; // 6 bytes: b sits at 4..5 of a granule whose shadow says 6
};

// Out of line and opaque to the optimiser, so every access is a real load or store of its size.
__attribute__((noinline)) static int32_t read4(const volatile int32_t *p) { return *p; }
__attribute__((noinline)) static void write4(volatile int32_t *p, int32_t v) { *p = v; }
__attribute__((noinline)) static int16_t read2(const volatile int16_t *p) { return *p; }
__attribute__((noinline)) static void write2(volatile int16_t *p, int16_t v) { *p = v; }

volatile int32_t sink;

static void *work(void *arg) {
  long seed = (long)(intptr_t)arg;
  long sum = 0;
  for (int round = 0; round < 20000; round++) {
    struct triple *t = malloc(sizeof *t);
    struct tail6 *s = malloc(sizeof *s);
    char *odd = malloc(13); // shadow of its second granule: 5
    write4(&t->c, (int32_t)(round + seed));
    write2(&s->b, (int16_t)round);
    write4((int32_t *)(odd + 6), 3); // bytes 6..9: across the granule boundary, both fine
    write4((int32_t *)(odd + 8), 7); // bytes 8..11 of 13
    write2((int16_t *)(odd + 11), 1); // bytes 11..12 of 13 (overwrites the 7's last byte)
    sum += read4(&t->c) + read2(&s->b) + read4((int32_t *)(odd + 8)) +
           read2((int16_t *)(odd + 11));
    free(t);
    free(s);
    free(odd);
  }
  return (void *)sum;
}

int main(int argc, char **argv) {
  if (argc > 1) {
    char *p = malloc(14); // second granule: 6 bytes
    struct triple *t = malloc(sizeof *t);
    if (!strcmp(argv[1], "read4")) {
      // READ4: ERROR: ffisan: heap-buffer-overflow
      // READ4: READ of size 4
      // READ4: #0 {{.*}} in read4 {{.*}}partial_granule_wide_accesses.c:30
      sink = read4((int32_t *)(p + 12)); // bytes 12..15 of 14
      return 0;
    }
    if (!strcmp(argv[1], "write2")) {
      // WRITE2: ERROR: ffisan: heap-buffer-overflow
      // WRITE2: WRITE of size 2
      // WRITE2: #0 {{.*}} in write2 {{.*}}partial_granule_wide_accesses.c:33
      write2((int16_t *)(p + 13), 1); // bytes 13..14 of 14
      return 0;
    }
    free(t);
    // FREED4: ERROR: ffisan: heap-use-after-free
    // FREED4: READ of size 4
    // FREED4: #0 {{.*}} in read4 {{.*}}partial_granule_wide_accesses.c:30
    // FREED4: freed by thread T0 here:
    sink = read4(&t->c);
    return 0;
  }
  pthread_t threads[4];
  for (long i = 0; i < 4; i++)
    pthread_create(&threads[i], NULL, work, (void *)(intptr_t)i);
  long total = 0;
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(threads[i], &r);
    total += (long)r;
  }
  // CLEAN: total 1343777960000
  printf("total %ld\n", total);
  return 0;
}
