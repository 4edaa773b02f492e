// The allocator's argument errors behave like glibc's: calloc and reallocarray overflow give NULL
// and ENOMEM, posix_memalign returns EINVAL for a bad alignment, aligned_alloc sets EINVAL, an
// impossible size is ENOMEM; a realloc to one leaves the old chunk live and unchanged; realloc(p, 0)
// frees; malloc_usable_size is the requested size.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *volatile sink;

int main(void) {
  errno = 0;
  sink = calloc(SIZE_MAX / 2, 4);
  printf("calloc overflow: %s errno=%s\n", sink ? "ptr" : "NULL", errno == ENOMEM ? "ENOMEM" : "?");
  // CHECK: calloc overflow: NULL errno=ENOMEM
  errno = 0;
  sink = reallocarray(NULL, SIZE_MAX / 2, 4);
  printf("reallocarray overflow: %s errno=%s\n", sink ? "ptr" : "NULL", errno == ENOMEM ? "ENOMEM" : "?");
  // CHECK: reallocarray overflow: NULL errno=ENOMEM
  errno = 0;
  sink = malloc(SIZE_MAX - 100);
  printf("huge malloc: %s errno=%s\n", sink ? "ptr" : "NULL", errno == ENOMEM ? "ENOMEM" : "?");
  // CHECK: huge malloc: NULL errno=ENOMEM
  void *p = (void *)1;
  printf("posix_memalign(24): %s\n", posix_memalign(&p, 24, 8) == EINVAL ? "EINVAL" : "?");
  // CHECK: posix_memalign(24): EINVAL
  printf("posix_memalign(4): %s p untouched %d\n", posix_memalign(&p, 4, 8) == EINVAL ? "EINVAL" : "?", p == (void *)1);
  // CHECK: posix_memalign(4): EINVAL p untouched 1
  errno = 0;
  sink = aligned_alloc(24, 48);
  printf("aligned_alloc(24): %s errno=%s\n", sink ? "ptr" : "NULL", errno == EINVAL ? "EINVAL" : "?");
  // CHECK: aligned_alloc(24): NULL errno=EINVAL
  char *m = memalign(48, 10); // glibc rounds the alignment up to 64
  printf("memalign(48) aligned to 64: %d\n", (uintptr_t)m % 64 == 0);
  // CHECK: memalign(48) aligned to 64: 1
  free(m);
  char *kept = malloc(10);
  kept[9] = 42;
  errno = 0;
  sink = realloc(kept, SIZE_MAX - 100);
  printf("huge realloc: %s errno=%s old still %d\n", sink ? "ptr" : "NULL", errno == ENOMEM ? "ENOMEM" : "?", kept[9]);
  // CHECK: huge realloc: NULL errno=ENOMEM old still 42
  kept = realloc(kept, 20); // the old chunk is still live: no double free
  printf("then realloc: %d\n", kept[9]);
  // CHECK: then realloc: 42
  free(kept);
  char *r = malloc(10);
  printf("realloc(p, 0): %s\n", realloc(r, 0) ? "ptr" : "NULL");
  // CHECK: realloc(p, 0): NULL
  char *u = malloc(13);
  printf("usable %zu, of NULL %zu\n", malloc_usable_size(u), malloc_usable_size(NULL));
  // CHECK: usable 13, of NULL 0
  free(u);
  char *big = calloc(1, 64 << 20);
  long sum = 0;
  for (size_t i = 0; i < (64 << 20); i += 4096)
    sum += big[i];
  printf("big calloc zero: %d\n", sum == 0);
  // CHECK: big calloc zero: 1
  free(big);
  return 0;
}
