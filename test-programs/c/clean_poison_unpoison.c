// A pool that poisons its free slots and unpoisons each slot it hands out: used within what it
// handed out, nothing is reported, and the questions of the interface get the right answers.
// Unpoisoning a malloc'd chunk past its end gives back only the chunk (its redzone stays).
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define SLOT 48
#define SLOTS 64

struct pool {
  char *base;
  int next;
};

static void *pool_get(struct pool *p) {
  char *slot = p->base + SLOT * p->next++;
  __asan_unpoison_memory_region(slot, SLOT);
  return slot;
}

static void pool_put(char *slot) { __asan_poison_memory_region(slot, SLOT); }

int main(void) {
  // A pool in a plain mapping and one in a malloc'd chunk.
  char *mapped = mmap(0, SLOT * SLOTS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *heap = malloc(SLOT * SLOTS);
  for (int k = 0; k < 2; k++) {
    struct pool p = {k ? heap : mapped, 0};
    __asan_poison_memory_region(p.base, SLOT * SLOTS);
    long sum = 0;
    for (int i = 0; i < SLOTS; i++) {
      char *s = pool_get(&p);
      memset(s, i, SLOT);
      for (int j = 0; j < SLOT; j++)
        sum += s[j];
      if (i % 2)
        pool_put(s);
    }
    printf("pool %d sum %ld, first slot poisoned %d, second %d\n", k, sum,
           __asan_address_is_poisoned(p.base), __asan_address_is_poisoned(p.base + SLOT));
    __asan_unpoison_memory_region(p.base, SLOT * SLOTS);
  }
  // CHECK: pool 0 sum 96768, first slot poisoned 0, second 1
  // CHECK: pool 1 sum 96768, first slot poisoned 0, second 1
  char *small = malloc(13);
  __asan_poison_memory_region(small, 13);
  __asan_unpoison_memory_region(small, 64);
  printf("chunk unpoisoned: %d, its end still poisoned: %d\n",
         __asan_region_is_poisoned(small, 13) == 0, __asan_address_is_poisoned(small + 13));
  // CHECK: chunk unpoisoned: 1, its end still poisoned: 1
  free(small);
  free(heap);
  return 0;
}
