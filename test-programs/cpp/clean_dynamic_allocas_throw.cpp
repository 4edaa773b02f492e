// Exceptions thrown out of frames that hold VLAs (redzones on the real stack): the frames the
// throw unwinds never return, so the interposed __cxa_throw clears their redzones; calls that
// reuse that stack then pass pointers to their locals to callees that check them. No report.
// RUN: %ffisan_cxx -O0 %s -o %t && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cxx -O2 %s -o %t && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
#include <cstdio>
#include <cstring>
#include <stdexcept>

__attribute__((noinline)) long sum(const char *p, int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += p[i];
  return s;
}

__attribute__((noinline)) void deep(int depth) {
  char vla[depth * 8 + 5]; // a VLA: clang's extension in C++
  memset(vla, depth, sizeof vla);
  sum(vla, sizeof vla);
  if (depth == 0)
    throw std::runtime_error("bottom");
  deep(depth - 1);
  vla[0]++;
}

__attribute__((noinline)) long count(long *n) { return (*n)++; }

// Scalars that only a non-capturing callee sees stay on the real stack (at -O2).
__attribute__((noinline)) long reuse_stack(int depth) {
  long a = depth, b = 1, c = 2, d = 3, e = 4, f = 5, g = 6, h = 7;
  long s = count(&a) + count(&b) + count(&c) + count(&d) + count(&e) + count(&f) + count(&g) +
           count(&h);
  if (depth > 0)
    s += reuse_stack(depth - 1);
  return s + a + b + c + d + e + f + g + h;
}

int main() {
  long s = 0;
  for (int i = 0; i < 3; i++) {
    try {
      deep(12);
    } catch (const std::exception &e) {
      s += std::strlen(e.what());
    }
    s += reuse_stack(40);
  }
  std::printf("sum %ld\n", s);
  // CHECK: sum {{[0-9]+}}
  return 0;
}
