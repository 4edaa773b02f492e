// A double delete written plainly is found at every level: C++ may elide a new/delete pair, and the
// delete-expression's call is marked builtin so LLVM does; the pass takes that mark off the calls of
// the functions it checks, as it declares operator delete nobuiltin (optimizer_keeps_bugs.c).
// RUN: %ffisan_cxx -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cxx -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cxx -O3 %s -o %t && not %t 2>&1 | FileCheck %s
struct Point {
  int x, y;
};

__attribute__((noinline)) void drop_twice() {
  Point *p = new Point{1, 2};
  delete p;
  delete p; // at -O2 a tail call: its frame is main's
  // CHECK: ERROR: ffisan: double-free
  // CHECK: freed by thread T0 here:
  // CHECK: in drop_twice() {{.*}}optimizer_keeps_double_delete.cpp:[[@LINE-4]]
}

int main() {
  drop_twice();
  return 0;
}
