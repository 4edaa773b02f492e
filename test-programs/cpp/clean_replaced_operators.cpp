// The program replaces operator new (by malloc) but not delete, or delete (by free) but not new,
// as real programs do for logging or counting: libstdc++'s defaults pair with either, so no
// alloc-dealloc-mismatch is reported (ASan reports "malloc vs operator delete" here). A bug
// between malloc and free is still found.
// RUN: %ffisan_cxx -O0 -DREPLACE_NEW %s -o %t-new && %t-new 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cxx -O2 -DREPLACE_NEW %s -o %t-new && %t-new 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cxx -O0 -DREPLACE_DELETE %s -o %t-delete && %t-delete 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cxx -O2 -DREPLACE_DELETE %s -o %t-delete && %t-delete 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: not %t-new double 2>&1 | FileCheck %s --check-prefix=DOUBLE
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

static long counted;

#ifdef REPLACE_NEW
void *operator new(size_t size) {
  counted++;
  if (void *p = malloc(size ? size : 1))
    return p;
  throw std::bad_alloc();
}
#endif

#ifdef REPLACE_DELETE
void operator delete(void *p) noexcept {
  counted++;
  free(p);
}
void operator delete(void *p, size_t) noexcept {
  counted++;
  free(p);
}
#endif

int *volatile single;
char *volatile c_buffer;

int main(int argc, char **) {
  std::vector<std::string> names;
  for (int i = 0; i < 100; i++)
    names.push_back(std::string(30, char('a' + i % 26)));
  single = new int(1);
  delete single;
  printf("replaced operators called: %d\n", counted > 0);
  // CHECK: replaced operators called: 1
  if (argc > 1) {
    c_buffer = static_cast<char *>(malloc(4));
    free(c_buffer);
    free(c_buffer);
    // DOUBLE: ERROR: ffisan: double-free
  }
  return 0;
}
