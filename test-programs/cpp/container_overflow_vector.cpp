// With libstdc++'s _GLIBCXX_SANITIZE_VECTOR a std::vector annotates its capacity past size():
// reading an element between size() and capacity() is a container-overflow (a heap read ASan's
// redzones alone cannot see: the bytes are inside the chunk).
// RUN: %ffisan_cxx -D_GLIBCXX_SANITIZE_VECTOR -D_GLIBCXX_SANITIZE_STD_ALLOCATOR -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cxx -D_GLIBCXX_SANITIZE_VECTOR -D_GLIBCXX_SANITIZE_STD_ALLOCATOR -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <cstdio>
#include <vector>

__attribute__((noinline)) int at(const int *data, int i) { return data[i]; }

int main() {
  std::vector<int> v;
  v.reserve(10);
  for (int i = 0; i < 5; i++)
    v.push_back(i);
  std::printf("size %zu capacity %zu last %d\n", v.size(), v.capacity(), at(v.data(), 4));
  // CHECK: size 5 capacity 10 last 4
  std::fflush(stdout);
  return at(v.data(), 7);
  // CHECK: ERROR: ffisan: container-overflow on address
  // CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in at(int const*, int) {{.*}}container_overflow_vector.cpp:9
  // CHECK: #1 {{.*}} in main {{.*}}container_overflow_vector.cpp:[[@LINE-4]]
  // CHECK: is located 28 bytes inside of 40-byte region
  // CHECK: {{^}}allocated by thread T0 here:
  // CHECK: SUMMARY: ffisan: container-overflow {{.*}}container_overflow_vector.cpp:9
}
