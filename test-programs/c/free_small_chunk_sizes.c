// A single-threaded free of a small chunk takes the chunk's size from its shadow, not its header
// (allocator.rs, `free_single_threaded`). For sizes around every granule and redzone boundary,
// on both sides of the blocks that path takes: each freed chunk, read at its last byte, is a
// heap-use-after-free naming the chunk's exact size and both stacks; a second free is a
// double free, also once a second thread exists.
// RUN: %ffisan_cc -O1 %s -o %t -pthread
// RUN: env FFISAN_OPTIONS=halt_on_error=0 not %t 2>&1 | FileCheck %s
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const size_t sizes[] = {1, 7, 8, 9, 16, 17, 55, 56, 64, 65, 170, 180, 1000};
#define COUNT (sizeof sizes / sizeof sizes[0])
static char *freed[COUNT];

// One reader per chunk: recover mode reports each pc once.
#define READER(n) \
  __attribute__((noinline)) static int read##n(void) { return freed[n][sizes[n] - 1]; }
READER(0) READER(1) READER(2) READER(3) READER(4) READER(5) READER(6) READER(7) READER(8)
READER(9) READER(10) READER(11) READER(12)
static int (*const readers[COUNT])(void) = {read0, read1, read2, read3, read4, read5, read6,
                                            read7, read8, read9, read10, read11, read12};

static void *free_from_thread(void *p) {
  free(p);
  return NULL;
}

int main(void) {
  for (size_t i = 0; i < COUNT; i++) {
    freed[i] = malloc(sizes[i]);
    memset(freed[i], 'x', sizes[i]);
    free(freed[i]);
  }
  int sum = 0;
  for (size_t i = 0; i < COUNT; i++)
    sum += readers[i]();
  // CHECK: heap-use-after-free
  // CHECK: is located 0 bytes inside of 1-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: in main {{.*}}free_small_chunk_sizes.c:[[#FREE:]]
  // CHECK: previously allocated by thread T0 here:
  // CHECK: in main {{.*}}free_small_chunk_sizes.c:[[#FREE-2]]
  // CHECK: is located 6 bytes inside of 7-byte region
  // CHECK: is located 7 bytes inside of 8-byte region
  // CHECK: is located 8 bytes inside of 9-byte region
  // CHECK: is located 15 bytes inside of 16-byte region
  // CHECK: is located 16 bytes inside of 17-byte region
  // CHECK: is located 54 bytes inside of 55-byte region
  // CHECK: is located 55 bytes inside of 56-byte region
  // CHECK: is located 63 bytes inside of 64-byte region
  // CHECK: is located 64 bytes inside of 65-byte region
  // CHECK: is located 169 bytes inside of 170-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: is located 179 bytes inside of 180-byte region
  // CHECK: is located 999 bytes inside of 1000-byte region

  free(freed[1]);
  // CHECK: ERROR: ffisan: double-free
  // CHECK: in main {{.*}}free_small_chunk_sizes.c:[[@LINE-2]]
  // CHECK: is located 0 bytes inside of 7-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: in main {{.*}}free_small_chunk_sizes.c:[[#FREE]]

  pthread_t t;
  pthread_create(&t, NULL, free_from_thread, freed[6]);
  pthread_join(t, NULL);
  // CHECK: ERROR: ffisan: double-free
  // CHECK: FREE at {{0x[0-9a-f]+}} thread T1
  // CHECK: is located 0 bytes inside of 55-byte region
  // CHECK: freed by thread T0 here:
  printf("sum %d\n", sum);
  fflush(stdout);
  // CHECK: sum
  return 0;
}
