// Loops whose checks are hoisted before them at -O2 and which are fine: over string literals
// (read-only data: loads are allowed), over buffers of exactly the size the loop walks (odd sizes:
// the last granule is partial), down from the end, strided over one field of an array of structs
// (whose last struct is cut short after that field), and unrolled or vectorized loops. Nothing is
// reported.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
  int tag;
  char name[12];
  long weight;
  long spare;
};

__attribute__((noinline)) unsigned sum_bytes(const char *p, long n) {
  unsigned s = 0;
  for (long i = 0; i < n; i++)
    s += (unsigned char)p[i];
  return s;
}

__attribute__((noinline)) unsigned hash_down(const char *s, unsigned len) {
  unsigned h = len;
  for (; len > 0; len--)
    h ^= (h << 5) + (h >> 2) + (unsigned char)s[len - 1];
  return h;
}

__attribute__((noinline)) void fill(int *a, int n) {
  for (int i = 0; i < n; i++)
    a[i] = i;
}

__attribute__((noinline)) long total_weight(const struct item *items, int n) {
  long total = 0;
  for (int i = 0; i < n; i++)
    total += items[i].weight;
  return total;
}

int main(int argc, char **argv) {
  (void)argv;
  const char *literal = "the quick brown fox jumps over the lazy dog";
  long len = (long)strlen(literal);
  unsigned a = sum_bytes(literal, len) + hash_down(literal, (unsigned)len);
  long n = 13 + argc; // 14 bytes: the second granule is partial
  char *exact = malloc(n);
  memset(exact, 'x', n);
  unsigned b = sum_bytes(exact, n) + hash_down(exact, (unsigned)n);
  int count = 25 + argc;
  int *ints = malloc(count * sizeof *ints);
  fill(ints, count);
  // The last item ends right after `weight`: the loop never reads `spare`.
  struct item *items = calloc(1, (count - 1) * sizeof *items + offsetof(struct item, spare));
  for (int i = 0; i < count; i++)
    items[i].weight = ints[i];
  // CHECK: sums 2172 3139 325
  printf("sums %u %u %ld\n", a % 10007, b % 10007, total_weight(items, count));
  free(exact);
  free(ints);
  free(items);
  return 0;
}
