// Poisoning keeps a granule's addressable head (ASan's rule): poisoning [p + 3, p + 16) leaves
// p[0..3) usable, and p[3] is a use-after-poison, not the heap-buffer-overflow a partial granule
// at a chunk's end would mean.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void poke(volatile char *p) { *p = 1; }

int main(void) {
  char *chunk = malloc(32);
  __asan_poison_memory_region(chunk + 3, 13);
  poke(chunk + 2);
  fprintf(stderr, "region_is_poisoned: +%d\n",
          (int)((char *)__asan_region_is_poisoned(chunk, 32) - chunk));
  fprintf(stderr, "address_is_poisoned: %d %d %d\n", __asan_address_is_poisoned(chunk + 2),
          __asan_address_is_poisoned(chunk + 3), __asan_address_is_poisoned(chunk + 16));
  // CHECK: region_is_poisoned: +3
  // CHECK: address_is_poisoned: 0 1 0
  poke(chunk + 3);
  // CHECK: ERROR: ffisan: use-after-poison
  // CHECK: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #1 {{.*}} in main {{.*}}use_after_poison_partial_granule.c:[[@LINE-3]]
  // CHECK: is located 3 bytes inside of 32-byte region
  free(chunk);
  return 0;
}
