// One element past a new[] array: heap-buffer-overflow just after the chunk, allocated by
// operator new[].
// RUN: %ffisan_cxx -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cxx -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <cstdio>

int *volatile samples;

int main(int argc, char **) {
  samples = new int[5];
  samples[argc + 4] = 1; // argc is 1: samples[5]
  // CHECK: ERROR: ffisan: heap-buffer-overflow on address [[ADDR:0x[0-9a-f]+]]
  // CHECK: WRITE of size 4 at [[ADDR]] thread T0 (domain: c)
  // CHECK-NEXT: #0 {{.*}} in main {{.*}}new_array_overflow.cpp:[[@LINE-3]]
  // CHECK: [[ADDR]] is located 0 bytes after 20-byte region
  // CHECK: allocated by thread T0 here:
  // CHECK-NEXT: #0 {{.*}} in operator new[](unsigned long)
  // CHECK-NEXT: #1 {{.*}} in main {{.*}}new_array_overflow.cpp:[[@LINE-8]]
  delete[] samples;
  return 0;
}
