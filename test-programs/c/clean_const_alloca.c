// Constant-size alloca()s in the entry block after other code, used to their edges: filled whole,
// a pointer one past the end compared but not read, the buffer passed down, the function called
// again and again, and after each return a variadic call whose stack arguments va_arg reads from
// the stack the dead frame used (where stale redzones would be found: Lua's luaO_pushvfstring).
// RUN: %ffisan_cc -g -O0 %s -o %t0 && %t0 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cc -g -O2 %s -o %t2 && %t2 2>&1 | FileCheck %s --implicit-check-not=ffisan
// CHECK: total {{[0-9]+}}
#include <alloca.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) int fill(char *buf, int n) {
  memset(buf, 'a', n);
  return buf[n - 1];
}

__attribute__((noinline)) int use_alloca(int seed) {
  int k = seed * 3;
  char *a = alloca(50);
  char *b = alloca(13);
  int s = fill(a, 50) + fill(b, 13);
  for (char *p = a; p != a + 50; p++) // one past the end: compared, never read
    s += *p;
  return s + k;
}

__attribute__((noinline)) int sum(int count, ...) {
  va_list ap;
  va_start(ap, count);
  int s = 0;
  for (int i = 0; i < count; i++)
    s += va_arg(ap, int);
  va_end(ap);
  return s;
}

int main(void) {
  int total = 0;
  for (int i = 0; i < 100; i++) {
    total += use_alloca(i);
    total += sum(20, i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
  }
  printf("total %d\n", total);
  return 0;
}
