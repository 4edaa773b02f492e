// Memory the program poisoned itself (__asan_poison_memory_region) inside a malloc'd chunk: a read
// there is a use-after-poison named with the chunk and its allocation stack; unpoisoned, it is fine.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int peek(const char *p) { return *p; }

int main(void) {
  char *chunk = malloc(64);
  for (int i = 0; i < 64; i++)
    chunk[i] = (char)i;
  __asan_poison_memory_region(chunk + 16, 32);
  __asan_unpoison_memory_region(chunk + 16, 8);
  fprintf(stderr, "unpoisoned part: %d\n", peek(chunk + 20));
  // CHECK: unpoisoned part: 20
  fprintf(stderr, "%d\n", peek(chunk + 40));
  // CHECK: =={{[0-9]+}}==ERROR: ffisan: use-after-poison on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: READ of size 1 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in peek {{.*}}use_after_poison_heap.c:9
  // CHECK: #1 {{.*}} in main {{.*}}use_after_poison_heap.c:[[@LINE-4]]
  // CHECK: [[ADDR]] is located 40 bytes inside of 64-byte region [{{0x[0-9a-f]+}},{{0x[0-9a-f]+}}) in the C heap
  // CHECK: {{^}}allocated by thread T0 here:
  // CHECK: #1 {{.*}} in main {{.*}}use_after_poison_heap.c:12
  // CHECK: SUMMARY: ffisan: use-after-poison {{.*}}use_after_poison_heap.c:9:{{[0-9]+}} in peek
  free(chunk);
  return 0;
}
