// memcpy and memcmp of odd lengths, ending in a chunk's partial last granule: every length up to
// the chunk's size passes the inline range pre-test or the runtime without a report (the pre-test
// accepts a partial last granule that holds the range's last byte), from every start offset; one
// byte past the chunk is a heap-buffer-overflow with the range's size and the call's line.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void copy(char *dst, const char *src, size_t n) { memcpy(dst, src, n); }

__attribute__((noinline)) int compare(const char *a, const char *b, size_t n) {
  return memcmp(a, b, n);
}

int main(int argc, char **argv) {
  (void)argv;
  char dst[64];
  long sum = 0;
  for (size_t size = 1; size <= 40; size++) {
    char *a = malloc(size);
    char *b = malloc(size);
    memset(a, 'x', size);
    memset(b, 'x', size);
    for (size_t start = 0; start < size; start++) {
      for (size_t n = 1; start + n <= size; n++) {
        copy(dst, a + start, n);
        sum += compare(a + start, b + start, n) + dst[n - 1];
      }
    }
    free(a);
    free(b);
  }
  fprintf(stderr, "clean: %ld\n", sum);
  // CHECK: clean: {{[0-9]+}}
  // CHECK-NOT: ERROR
  char *odd = malloc(13);
  memset(odd, 'y', 13);
  copy(dst, odd, 13 + (size_t)argc); // one byte past the 13-byte chunk
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size 14 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in copy {{.*}}range_partial_granule.c:12
  printf("%d\n", dst[5]);
  free(odd);
  return 0;
}
