// A loop that walks down from the end of a buffer and runs one step too far reads the byte just
// before the chunk. The report names that first bad access (the last iteration), as the
// per-access check would, not the lowest or highest address of the loop's span.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) unsigned hash_down(const char *s, long len) {
  unsigned h = 5381;
  for (long i = len - 1; i >= -1; i--)
    h = h * 33 + (unsigned char)s[i]; // s[-1] is before the chunk
  // CHECK: ERROR: ffisan: heap-buffer-overflow on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: READ of size 1 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in hash_down {{.*}}loop_check_descending_underflow.c:[[@LINE-3]]
  return h;
}

int main(int argc, char **argv) {
  (void)argv;
  long n = 20 + argc;
  char *s = malloc(n);
  for (long i = 0; i < n; i++)
    s[i] = 'a' + i % 26;
  // CHECK: is located 1 bytes before 21-byte region
  printf("%u\n", hash_down(s, n));
  free(s);
  return 0;
}
