// new[] of objects with destructors keeps the count in a cookie before them; delete[] twice runs
// no destructor on the freed array (its cookie reads 0) and is a double-free with both stacks;
// an overflow past such an array names the chunk.
// RUN: %ffisan_cxx -O0 %s -o %t0 && %ffisan_cxx -O2 %s -o %t2
// RUN: not %t0 2>&1 | FileCheck %s
// RUN: not %t2 2>&1 | FileCheck %s
// RUN: not %t0 overflow 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// RUN: not %t2 overflow 2>&1 | FileCheck %s --check-prefix=OVERFLOW
#include <cstdio>
#include <string>

struct Named {
  std::string name{"named"};
  int id = 0;
};

Named *volatile array;

int main(int argc, char **) {
  array = new Named[3];
  if (argc > 1) {
    array[argc + 1].id = 1; // argc is 2: array[3], whose id is 32 bytes past the chunk
    // OVERFLOW: ERROR: ffisan: heap-buffer-overflow on address
    // OVERFLOW: #0 {{.*}} in main {{.*}}array_cookie_double_delete.cpp:[[@LINE-2]]
    // OVERFLOW: is located 32 bytes after 128-byte region 
    // OVERFLOW: allocated by thread T0 here:
    // OVERFLOW-NEXT: #0 {{.*}} in operator new[](unsigned long)
  }
  delete[] array;
  delete[] array;
  // CHECK: ERROR: ffisan: double-free on address
  // CHECK: #0 {{.*}} in operator delete[](void*, unsigned long)
  // CHECK-NEXT: #1 {{.*}} in main {{.*}}array_cookie_double_delete.cpp:[[@LINE-3]]
  // CHECK: is located 0 bytes inside of 128-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: #1 {{.*}} in main {{.*}}array_cookie_double_delete.cpp:[[@LINE-7]]
  return 0;
}
