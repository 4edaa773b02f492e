// A store into a string literal is reported before the SIGSEGV would happen.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>

__attribute__((noinline)) void shout(char *s) {
  s[0] = 'H';
  // CHECK: ERROR: ffisan: write-to-readonly
  // CHECK: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in shout {{.*}}write_to_readonly_literal.c:[[@LINE-3]]
  // CHECK: is located in read-only data of {{.*}}write_to_readonly_literal
}

int main(void) {
  char *s = (char *)"hello";
  shout(s);
  puts(s);
  return 0;
}
// CHECK-NOT: SEGV
