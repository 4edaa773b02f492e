// A reference into a std::vector kept across push_back, which moved the elements to a bigger
// block: heap-use-after-free, freed by operator delete inside push_back, allocated by operator
// new inside the vector's constructor (libstdc++'s inlined frames named from the line tables).
// RUN: %ffisan_cxx -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cxx -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <cstdio>
#include <vector>

__attribute__((noinline)) static int first_after_growth(std::vector<int> &v) {
  int &first = v[0];
  for (int i = 0; i < 100; i++)
    v.push_back(i);
  return first;
  // CHECK: ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]]
  // CHECK: READ of size 4 at [[ADDR]] thread T0 (domain: c)
  // CHECK-NEXT: #0 {{.*}} in first_after_growth(std::vector<int, std::allocator<int>>&) {{.*}}vector_growth_use_after_free.cpp:[[@LINE-3]]
  // CHECK: [[ADDR]] is located 0 bytes inside of 4-byte region
  // CHECK: freed by thread T0 here:
  // CHECK-NEXT: #0 {{.*}} in operator delete(void*, unsigned long)
  // CHECK: in {{.*}}push_back{{.*}} {{.*}}stl_vector.h
  // CHECK-NEXT: in first_after_growth(std::vector<int, std::allocator<int>>&) {{.*}}vector_growth_use_after_free.cpp:[[@LINE-9]]
  // CHECK: previously allocated by thread T0 here:
  // CHECK-NEXT: #0 {{.*}} in operator new(unsigned long)
  // CHECK: in main {{.*}}vector_growth_use_after_free.cpp:[[@LINE+4]]
}

int main() {
  std::vector<int> v(1, 7);
  printf("%d\n", first_after_growth(v));
  return 0;
}
