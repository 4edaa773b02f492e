// __asan_describe_address prints what is at an address: a live or freed chunk with its stacks, a
// thread's stack, global or read-only data, memory ffisan does not know.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck %s
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int counter = 1;
const char greeting[] = "hello";

int main(void) {
  char *live = malloc(24);
  char *freed = malloc(40);
  free(freed);
  char local[16];
  fprintf(stderr, "live:\n");
  __asan_describe_address(live + 4);
  // CHECK-LABEL: live:
  // CHECK-NEXT: {{0x[0-9a-f]+}} is located 4 bytes inside of 24-byte region [{{.*}}) in the C heap
  // CHECK-NEXT: {{^}}allocated by thread T0 here:
  // CHECK-NEXT: #0 {{.*}} in malloc
  // CHECK-NEXT: #1 {{.*}} in main {{.*}}describe_address.c:14
  fprintf(stderr, "freed:\n");
  __asan_describe_address(freed);
  // CHECK-LABEL: freed:
  // CHECK-NEXT: is located 0 bytes inside of 40-byte region
  // CHECK-NEXT: {{^}}freed by thread T0 here:
  // CHECK-NEXT: #0 {{.*}} in free
  // CHECK-NEXT: #1 {{.*}} in main {{.*}}describe_address.c:16
  // CHECK: {{^}}previously allocated by thread T0 here:
  fprintf(stderr, "stack:\n");
  __asan_describe_address(local);
  // CHECK-LABEL: stack:
  // CHECK-NEXT: is located in the stack of thread T0
  fprintf(stderr, "global:\n");
  __asan_describe_address(&counter);
  __asan_describe_address((void *)greeting);
  // CHECK-LABEL: global:
  // CHECK-NEXT: is located in global data of {{.*}}describe_address.c.tmp
  // CHECK-NEXT: is located in read-only data of {{.*}}describe_address.c.tmp
  fprintf(stderr, "mapped:\n");
  __asan_describe_address(mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  // CHECK-LABEL: mapped:
  // CHECK-NEXT: is not in any region ffisan knows
  free(live);
  return 0;
}
