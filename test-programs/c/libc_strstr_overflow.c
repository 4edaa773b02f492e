// strstr reads the whole needle: a needle that runs past its chunk is an overflow.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) char *search(const char *haystack, const char *needle) {
  return strstr(haystack, needle);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size {{[0-9]+}} at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in strstr ({{.*}})
  // CHECK: #1 {{.*}} in search {{.*}}libc_strstr_overflow.c:[[@LINE-4]]
}

int main(void) {
  char *needle = malloc(4);
  strcpy(needle, "lo");
  printf("%s\n", search("hello", needle));
  memcpy(needle, "lowz", 4); // no NUL
  printf("%p\n", (void *)search("hello", needle));
  // CHECK: #2 {{.*}} in main {{.*}}libc_strstr_overflow.c:[[@LINE-1]]
  return 0;
}
