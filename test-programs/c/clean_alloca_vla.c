// alloca and variable-length arrays, passed to other functions and read back: no finding.
// RUN: %ffisan_cc -O0 %s -o %t && %t 3000 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 3000 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <alloca.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static long sum(const int *v, int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += v[i];
  return s;
}

__attribute__((noinline)) static long with_vla(int n) {
  int vla[n];
  for (int i = 0; i < n; i++)
    vla[i] = i;
  return sum(vla, n);
}

__attribute__((noinline)) static long with_alloca(int n) {
  int *a = alloca(n * sizeof(int));
  memset(a, 0, n * sizeof(int));
  a[n - 1] = 5;
  return sum(a, n);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10;
  printf("%ld %ld\n", with_vla(n), with_alloca(n));
  // CHECK: 4498500 5
  return 0;
}
