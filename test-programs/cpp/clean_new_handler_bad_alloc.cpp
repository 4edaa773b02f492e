// operator new that cannot allocate behaves as libstdc++'s: it calls the installed new-handler
// until it throws or is uninstalled, then throws std::bad_alloc through the runtime's frames;
// the nothrow operators return null, also when the new-handler throws; aligned ones alike. No
// finding (ASan aborts with allocation-size-too-big instead).
// RUN: %ffisan_cxx -O0 %s -o %t && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cxx -O2 %s -o %t && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
#include <cstdio>
#include <new>

static int calls;
static void give_up_after_three() {
  if (++calls == 3)
    std::set_new_handler(nullptr);
}
static void throwing_handler() { throw std::bad_alloc(); }

void *volatile result;
static const size_t huge = (size_t)1 << 45;

int main() {
  try {
    result = new char[huge];
  } catch (const std::bad_alloc &e) {
    printf("new[]: %s\n", e.what());
    // CHECK: new[]: std::bad_alloc
  }
  std::set_new_handler(give_up_after_three);
  try {
    result = operator new(huge);
  } catch (const std::bad_alloc &) {
    printf("new: thrown after %d handler calls\n", calls);
    // CHECK: new: thrown after 3 handler calls
  }
  result = operator new(huge, std::nothrow);
  printf("nothrow, no handler: %p\n", result);
  // CHECK: nothrow, no handler: (nil)
  std::set_new_handler(throwing_handler);
  result = operator new[](huge, std::nothrow);
  printf("nothrow[], throwing handler: %p\n", result);
  // CHECK: nothrow[], throwing handler: (nil)
  result = operator new(huge, std::align_val_t(64), std::nothrow);
  printf("aligned nothrow: %p\n", result);
  // CHECK: aligned nothrow: (nil)
  try {
    result = operator new[](huge, std::align_val_t(128));
  } catch (const std::bad_alloc &) {
    puts("aligned new[]: thrown");
    // CHECK: aligned new[]: thrown
  }
  std::set_new_handler(nullptr);
  result = new (std::nothrow) int[4];
  printf("small nothrow works: %d\n", result != nullptr);
  // CHECK: small nothrow works: 1
  delete[] static_cast<int *>(result);
  return 0;
}
