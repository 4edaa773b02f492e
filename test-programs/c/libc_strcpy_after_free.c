// strcpy into a freed buffer: the write of the whole copy (string and NUL) is reported.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void copy(char *dst, const char *src) {
  strcpy(dst, src);
  // CHECK: ERROR: ffisan: heap-use-after-free
  // CHECK: WRITE of size 6 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strcpy ({{.*}})
  // CHECK: #1 {{.*}} in copy {{.*}}libc_strcpy_after_free.c:[[@LINE-4]]
}

static char *opaque(char *p) {
  __asm__ volatile("" : "+r"(p));
  return p;
}

int main(int argc, char **argv) {
  char *dst = opaque(malloc(16));
  free(dst);
  copy(dst, argc > 5 ? argv[1] : "hello");
  // CHECK: #2 {{.*}} in main {{.*}}libc_strcpy_after_free.c:[[@LINE-1]]
  // CHECK: freed by thread T0 here:
  return 0;
}
