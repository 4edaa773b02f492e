// The check entry points are called with preserve_mostcc: the program keeps values in rax, rcx,
// rdx, rsi, rdi and r8-r10 across a check's slow call. In recover mode the program goes on after
// each report, so those values must come back intact: the sums below are printed and compared with
// the same sums computed without the bad reads. Run with lazy binding (the default) and with
// LD_BIND_NOW: the calls must not go through a lazily bound PLT entry, whose resolver clobbers r10.
// RUN: %ffisan_cc -O2 %s -o %t
// RUN: env FFISAN_OPTIONS=halt_on_error=0 not %t 2>&1 | FileCheck %s
// RUN: env LD_BIND_NOW=1 FFISAN_OPTIONS=halt_on_error=0 not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>

#define CONSUME(x) __asm__ volatile("" ::"r"(x))

__attribute__((noinline)) static void sums(const long *a, const char *bytes, long n, int bad,
                                          long out[8]) {
  long s0 = 1, s1 = 2, s2 = 3, s3 = 4, s4 = 5, s5 = 6, s6 = 7, s7 = 8;
  for (long i = 0; i < n; i++) {
    long v = a[i & 63];
    s0 += v;
    s1 ^= v << 1;
    s2 += v * 3;
    s3 -= v >> 2;
    s4 += s0 ^ s2;
    s5 += i;
    s6 ^= s1 + s3;
    s7 += s4 - s5;
    // 24 bytes of a 16-byte chunk when `bad`: bytes 16..23 are its redzone.
    char c = bytes[i % (bad ? 24 : 16)];
    CONSUME(c);
  }
  long s[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
  for (int k = 0; k < 8; k++)
    out[k] = s[k];
}

int main(void) {
  long *a = malloc(64 * sizeof *a);
  char *bytes = malloc(16);
  for (int i = 0; i < 64; i++)
    a[i] = i * 7919 + 1;
  for (int i = 0; i < 16; i++)
    bytes[i] = (char)i;
  long good[8], checked[8];
  sums(a, bytes, 1000, 0, good);
  sums(a, bytes, 1000, 1, checked);
  // CHECK: ERROR: ffisan: heap-buffer-overflow
  // CHECK: READ of size 1
  int same = 1;
  for (int k = 0; k < 8; k++)
    same &= good[k] == checked[k];
  // CHECK: registers intact: 1
  printf("registers intact: %d\n", same);
  return 0;
}
