// __asan_report_error(pc, bp, sp, addr, is_write, size), what Go's -asan runtime calls when
// __asan_region_is_poisoned said so: the report names what is really at the address (a freed
// chunk here, with its stacks), the access as given, and frame #0 at the pc given.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void check_write(char *p, size_t n) {
  if (__asan_region_is_poisoned(p, n))
    __asan_report_error(__builtin_return_address(0), __builtin_frame_address(1),
                        __builtin_frame_address(0), p, 1, n);
}

int main(void) {
  char *p = malloc(32);
  check_write(p, 32);
  fprintf(stderr, "live chunk fine\n");
  // CHECK: live chunk fine
  free(p);
  check_write(p + 8, 4);
  // CHECK: ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]] at pc
  // CHECK: WRITE of size 4 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in main {{.*}}report_error_by_hand.c:[[@LINE-3]]
  // CHECK: is located 8 bytes inside of 32-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: previously allocated by thread T0 here:
  return 0;
}
