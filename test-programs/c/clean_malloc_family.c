// Every malloc-family function, used correctly, produces no finding; writing the whole
// malloc_usable_size is legal.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fill(void *p, size_t n) { memset(p, 0xab, n); }

int main(void) {
  char *a = malloc(1);
  a[0] = 1;
  size_t usable = malloc_usable_size(a);
  fill(a, usable);

  int *c = calloc(100, sizeof(int));
  long sum = 0;
  for (int i = 0; i < 100; i++)
    sum += c[i];

  char *r = NULL;
  for (size_t n = 1; n < 5000; n = n * 3 + 1) { // grow from NULL
    r = realloc(r, n);
    r[n - 1] = 'x';
  }
  r = realloc(r, 3); // shrink
  r[2] = 'y';

  void *pm = NULL;
  if (posix_memalign(&pm, 64, 200) != 0)
    return 1;
  fill(pm, 200);
  void *ma = memalign(4096, 100);
  fill(ma, 100);
  void *aa = aligned_alloc(32, 96);
  fill(aa, 96);
  void *va = valloc(10);
  fill(va, 10);
  void *pv = pvalloc(10);
  fill(pv, malloc_usable_size(pv));
  int *ra = reallocarray(NULL, 10, sizeof(int));
  ra[9] = 9;

  printf("aligned %d %d %d %d %d\n", (uintptr_t)pm % 64 == 0, (uintptr_t)ma % 4096 == 0,
         (uintptr_t)aa % 32 == 0, (uintptr_t)va % 4096 == 0, (uintptr_t)pv % 4096 == 0);
  // CHECK: aligned 1 1 1 1 1
  printf("sum %ld usable>=1 %d\n", sum, usable >= 1);
  // CHECK: sum 0 usable>=1 1

  free(NULL);
  free(a);
  free(c);
  free(r);
  free(pm);
  free(ma);
  free(aa);
  free(va);
  free(pv);
  free(ra);
  void *z = malloc(0); // may be NULL or a unique pointer; both are fine to free
  free(z);
  puts("done");
  // CHECK: done
  return 0;
}
