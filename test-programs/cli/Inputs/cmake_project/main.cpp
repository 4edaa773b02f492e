// Built by cmake with CMAKE_CXX_COMPILER=ffisan-c++: reads a deleted object.
#include <cstdio>

struct Point {
  int x, y;
};

int main() {
  Point *p = new Point{1, 2};
  delete p;
  __asm__ volatile("" : "+r"(p)); // keep the (undefined) read at -O2
  std::printf("%d\n", p->y);
  return 0;
}
