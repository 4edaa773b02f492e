// Exceptions thrown and caught across instrumented frames (invoke/landingpad, cleanups that run
// destructors, rethrow, nested try, a function with a fake frame unwound through), std::bad_alloc
// from operator new: no finding, and every destructor ran.
// RUN: %ffisan_cxx -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cxx -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

static int live;

struct Tracked {
  std::string name;
  explicit Tracked(const char *n) : name(n) { live++; }
  ~Tracked() { live--; }
};

// Keeps the address of its caller's local: that local lives in a fake frame, which the
// exception leaves without a return.
static char *volatile last_buffer;
__attribute__((noinline)) static void fill(char *buf, int depth) {
  last_buffer = buf;
  snprintf(buf, 32, "depth %d", depth);
}


__attribute__((noinline)) static int thrower(int depth) {
  char buf[32];
  fill(buf, depth);
  Tracked t(buf);
  std::vector<int> v(depth + 1, depth);
  if (depth == 0)
    throw std::runtime_error(std::string("bottom reached via ") + t.name);
  return thrower(depth - 1) + v.back();
}

// Catches in the frame whose escaping local the throw went past: the local is still used after.
__attribute__((noinline)) static int catch_here(int depth) {
  char buf[32];
  fill(buf, depth);
  try {
    thrower(depth);
  } catch (const std::runtime_error &) {
    buf[0] = 'D';
  }
  return buf[0] + (int)strlen(buf);
}

__attribute__((noinline)) static void rethrower() {
  auto owned = std::make_unique<Tracked>("owned");
  try {
    thrower(5);
  } catch (const std::runtime_error &) {
    owned->name += " saw it";
    throw;
  }
}

char *volatile escape;

struct Error {
  std::vector<std::string> lines;
};

int main() {
  try {
    thrower(10);
  } catch (const std::runtime_error &e) {
    printf("caught: %s\n", e.what());
    // CHECK: caught: bottom reached via depth 0
  }
  try {
    rethrower();
  } catch (const std::exception &e) {
    printf("rethrown: %s\n", e.what());
    // CHECK: rethrown: bottom reached via depth 0
  }
  printf("caught here: %d\n", catch_here(3));
  // CHECK: caught here: 75
  int thrown = 0;
  for (int i = 0; i < 1000; i++) {
    try {
      Error err;
      err.lines.assign(i % 7 + 1, std::string(40, 'x'));
      throw err;
    } catch (Error &err) {
      thrown += (int)err.lines.size();
    }
  }
  printf("thrown %d\n", thrown);
  // CHECK: thrown 3997
  try {
    std::vector<char> too_big((size_t)1 << 45);
    escape = too_big.data(); // or -O2 drops the allocation
  } catch (const std::bad_alloc &e) {
    printf("bad_alloc: %s\n", e.what());
    // CHECK: bad_alloc: std::bad_alloc
  }
  char *after = new char[16];
  strcpy(after, "still fine");
  printf("%s, live %d\n", after, live);
  // CHECK: still fine, live 0
  delete[] after;
  return 0;
}
