// Blocks that left the quarantine are handed out lowest address first (recycle.rs, block_set.rs),
// whatever order the program freed them in: 4000 chunks of one size, freed in a scrambled order
// and pushed straight out of the quarantine, come back in rising address order once the 16 a
// thread keeps at hand are used, and each is clean memory for its new owner. Handed out in the
// order they were freed, about every second step would go down.
// RUN: %ffisan_cc -O1 %s -o %t
// RUN: env FFISAN_OPTIONS=quarantine_size_mb=0 %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// CHECK: 4000 chunks back in address order, all distinct and clean
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT 4000
#define SIZE 48
/// The thread's own stack of released blocks (recycle.rs LOCAL_CAPACITY) comes out first, in
/// any order.
#define AT_HAND 16

static char *chunks[COUNT];
static char *sorted[COUNT];

static int by_address(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)*(char *const *)a, y = (uintptr_t)*(char *const *)b;
  return (x > y) - (x < y);
}

int main(void) {
  for (int i = 0; i < COUNT; i++) {
    chunks[i] = malloc(SIZE);
    memset(chunks[i], 0xab, SIZE);
  }
  // Fisher-Yates with a fixed linear congruential generator: a scrambled, repeatable order.
  uint32_t seed = 12345;
  for (int i = COUNT - 1; i > 0; i--) {
    seed = seed * 1103515245u + 12345u;
    int j = (int)((seed >> 8) % (uint32_t)(i + 1));
    char *t = chunks[i];
    chunks[i] = chunks[j];
    chunks[j] = t;
  }
  for (int i = 0; i < COUNT; i++)
    free(chunks[i]);

  int down = 0, distinct = 1, clean = 1;
  for (int i = 0; i < COUNT; i++) {
    chunks[i] = malloc(SIZE);
    memset(chunks[i], i & 0x7f, SIZE);
    if (i > 0 && (uintptr_t)chunks[i] < (uintptr_t)chunks[i - 1])
      down++;
  }
  for (int i = 0; i < COUNT; i++)
    for (int k = 0; k < SIZE; k++)
      clean &= chunks[i][k] == (char)(i & 0x7f);
  memcpy(sorted, chunks, sizeof chunks);
  qsort(sorted, COUNT, sizeof sorted[0], by_address);
  for (int i = 1; i < COUNT; i++)
    distinct &= sorted[i] != sorted[i - 1];
  if (down > AT_HAND + 1 || !distinct || !clean) {
    printf("FAIL: %d steps down, distinct %d, clean %d\n", down, distinct, clean);
    return 1;
  }
  printf("%d chunks back in address order, all distinct and clean\n", COUNT);
  for (int i = 0; i < COUNT; i++)
    free(chunks[i]);
  return 0;
}
