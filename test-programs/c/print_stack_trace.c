// __sanitizer_print_stack_trace prints the calling thread's stack, frame #0 the call itself.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not='ERROR: ffisan' %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not='ERROR: ffisan' %s
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>

__attribute__((noinline)) void where_am_i(void) {
  __sanitizer_print_stack_trace();
  // CHECK: #0 {{.*}} in __sanitizer_print_stack_trace
  // CHECK-NEXT: #1 {{.*}} in where_am_i {{.*}}print_stack_trace.c:[[@LINE-2]]
  // CHECK-NEXT: #2 {{.*}} in main {{.*}}print_stack_trace.c:[[@LINE+5]]
  __asm__ volatile("" ::: "memory"); // not a tail call: where_am_i keeps its frame
}

int main(void) {
  where_am_i();
  fprintf(stderr, "done\n");
  // CHECK: done
  return 0;
}
