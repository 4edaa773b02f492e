// Go's arena reservations as the runtime sees them through mmap, replayed by a C program that
// exports the two symbols by which the runtime knows a cgo program. Go 1.26's random heap hints
// may all fall inside ffisan's shadow (about 1 run in 256); the kernel then refuses each one (Go
// gives the mapping back), and Go reserves `n + 64 MiB` with no hint and trims it to a 64 MiB-aligned
// arena. That arena must still be the Go heap, and the trimmed ends must not.
// RUN: %ffisan_cc -O0 -I%root/runtime/include -rdynamic %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include "ffisan.h"

// runtime/cgo exports these from every cgo program.
void crosscall2(void) {}
void _cgo_topofstack(void) {}

#define ARENA (64UL << 20)

static void *reserve(uintptr_t hint, size_t len) {
  return mmap((void *)hint, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

int main(void) {
  // A hint inside the shadow ([0x7fff8000, 0x10007fff8000)): refused, given back.
  uintptr_t hint = 0x3000000000;
  char *p = reserve(hint, ARENA);
  printf("refused: %d\n", (uintptr_t)p != hint); // CHECK: refused: 1
  printf("refused mapping: %s\n", ffisan_region_kind(p)); // CHECK-NEXT: refused mapping: unknown
  munmap(p, ARENA);

  // The fallback: no hint, one arena more than needed, trimmed to alignment.
  char *raw = reserve(0, 2 * ARENA);
  uintptr_t aligned = ((uintptr_t)raw + ARENA - 1) & ~(ARENA - 1);
  if (aligned > (uintptr_t)raw)
    munmap(raw, aligned - (uintptr_t)raw);
  char *end = (char *)aligned + ARENA;
  if (raw + 2 * ARENA > end)
    munmap(end, raw + 2 * ARENA - end);
  printf("arena start: %s\n", ffisan_region_kind((void *)aligned)); // CHECK-NEXT: arena start: managed
  printf("arena end: %s\n", ffisan_region_kind(end - 1));           // CHECK-NEXT: arena end: managed
  printf("after arena: %s\n", ffisan_region_kind(end));             // CHECK-NEXT: after arena: unknown

  // Without a refused hint first, an unhinted reservation of that shape is not the Go heap.
  char *other = reserve(0, 2 * ARENA);
  printf("unhinted alone: %s\n", ffisan_region_kind(other + ARENA)); // CHECK-NEXT: unhinted alone: unknown
  munmap(other, 2 * ARENA);
  return 0;
}
