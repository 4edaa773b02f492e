// delete of an object already deleted: double-free, both stacks naming operator delete, the
// allocation operator new[].
// RUN: %ffisan_cxx -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cxx -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <cstdio>

char *volatile buffer; // keeps the optimizer from pairing the new and the deletes

int main() {
  buffer = new char[24];
  delete[] buffer;
  delete[] buffer;
  // CHECK: ERROR: ffisan: double-free on address [[ADDR:0x[0-9a-f]+]]
  // CHECK: FREE at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in operator delete[](void*)
  // CHECK: #1 {{.*}} in main {{.*}}double_delete.cpp:[[@LINE-4]]
  // CHECK: [[ADDR]] is located 0 bytes inside of 24-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: #0 {{.*}} in operator delete[](void*)
  // CHECK: #1 {{.*}} in main {{.*}}double_delete.cpp:[[@LINE-9]]
  // CHECK: previously allocated by thread T0 here:
  // CHECK: #0 {{.*}} in operator new[](unsigned long)
  // CHECK: #1 {{.*}} in main {{.*}}double_delete.cpp:[[@LINE-13]]
  // CHECK: SUMMARY: ffisan: double-free {{.*}}double_delete.cpp:[[@LINE-12]]:{{[0-9]+}} in main
  puts("not reached");
  // CHECK-NOT: not reached
  return 0;
}
