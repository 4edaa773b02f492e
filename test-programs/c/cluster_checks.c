// Accesses through different pointers in one block share one cluster test (the OR of their
// shadow tests). A struct of 12 bytes makes its part of the test fail on every call (its second
// granule is partial), so the cold path decides every member on its own, and nothing is reported
// for a clean run; a bad member is reported with its own kind, size and line, whichever pointer it
// comes through.
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s --check-prefix=CLEAN
// RUN: %ffisan_cc -O3 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s --check-prefix=CLEAN
// RUN: %ffisan_cc -O2 %s -o %t && not %t overflow 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// RUN: %ffisan_cc -O3 %s -o %t && not %t overflow 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// RUN: %ffisan_cc -O2 %s -o %t && not %t freed 2>&1 | FileCheck %s --check-prefix=FREED
// RUN: %ffisan_cc -O3 %s -o %t && not %t freed 2>&1 | FileCheck %s --check-prefix=FREED
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct triple {
  int a, b, c; // c lies in a granule whose shadow says 4
};

__attribute__((noinline)) long combine(const struct triple *t, const long *v, long *out) {
  long sum = t->a;
  sum += v[1];
  // OVERFLOW: ERROR: ffisan: heap-buffer-overflow
  // OVERFLOW: READ of size 8
  // OVERFLOW: #0 {{.*}} in combine {{.*}}cluster_checks.c:[[@LINE-3]]
  sum += t->c;
  out[0] = sum;
  // FREED: ERROR: ffisan: heap-use-after-free
  // FREED: WRITE of size 8
  // FREED: #0 {{.*}} in combine {{.*}}cluster_checks.c:[[@LINE-3]]
  return sum;
}

int main(int argc, char **argv) {
  struct triple *t = malloc(sizeof *t);
  t->a = 1;
  t->b = 2;
  t->c = 3;
  long *v = malloc(2 * sizeof *v);
  v[0] = 10;
  v[1] = 20;
  long *out = malloc(sizeof *out);
  if (argc > 1 && !strcmp(argv[1], "overflow")) {
    long *short_v = malloc(sizeof *short_v); // v[1] is past its end
    short_v[0] = 5;
    return (int)combine(t, short_v, out);
  }
  if (argc > 1 && !strcmp(argv[1], "freed")) {
    free(out);
    return (int)combine(t, v, out);
  }
  long total = 0;
  for (int i = 0; i < 100000; i++)
    total += combine(t, v, out);
  // CLEAN: total 2400000
  printf("total %ld\n", total);
  free(t);
  free(v);
  free(out);
  return 0;
}
