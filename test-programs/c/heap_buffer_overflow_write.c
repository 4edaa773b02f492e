// A byte written just past a 13-byte chunk (a partial granule: the first 5 bytes of it are valid).
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdlib.h>

__attribute__((noinline)) void put(char *p, int i, char c) {
  p[i] = c;
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in put {{.*}}heap_buffer_overflow_write.c:[[@LINE-3]]
}

int main(void) {
  char *p = malloc(13);
  __asm__ volatile("" : "+r"(p)); // keep -O2 from deleting a chunk that is only written
  put(p, 12, 'a'); // the last valid byte: fine
  put(p, 13, 'b');
  // CHECK: is located 0 bytes after 13-byte region
  __asm__ volatile("" : : "r"(p) : "memory"); // the stores are observable
  free(p);
  return 0;
}
