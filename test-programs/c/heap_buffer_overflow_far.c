// Writing far past a malloc'd chunk, beyond its redzone into heap never handed out, and into the
// header of the chunk after it: each named against the nearer chunk, with distance and direction.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && env FFISAN_OPTIONS=halt_on_error=0 not %t 2>&1 | FileCheck %s --check-prefix=BOTH
#include <stdio.h>
#include <stdlib.h>

// The chunks escape through it, so -O2 keeps them (and the write into them).
char *volatile sink;

__attribute__((noinline)) void poke(char *p, long i) {
  sink = p;
  p[i] = 1;
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in poke {{.*}}heap_buffer_overflow_far.c:[[@LINE-3]]
}

__attribute__((noinline)) char peek(char *p, long i) {
  sink = p;
  return p[i];
}

int main(int argc, char **argv) {
  // 200 bytes: a class nothing else in this program allocates, so what follows is never handed out.
  char *p = malloc(200);
  // CHECK: is located 800 bytes after 200-byte region
  // CHECK: {{^}}allocated by thread T0 here:
  // CHECK: in main {{.*}}heap_buffer_overflow_far.c:[[@LINE-3]]
  poke(p, 999 + argc);
  // Two 40-byte chunks side by side: 14 bytes before the second is 42 bytes after the first, so
  // the second is the nearer.
  char *a = malloc(40), *b = malloc(40);
  sink = a;
  sink = b;
  long apart = b - a; // 96: blocks of one class lie side by side
  printf("%d\n", peek(a, apart - 15 + argc));
  // BOTH: 800 bytes after 200-byte region
  // BOTH: ERROR: ffisan: heap-buffer-overflow
  // BOTH: is located 14 bytes before 40-byte region
  free(a);
  free(b);
  free(p);
  return 0;
}
