// Checks are only reused across calls that cannot free (LLVM infers `nofree nosync` for `weight`):
// a helper that frees, even one that looks as harmless, keeps the check of the access after it.
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdlib.h>

struct item {
  int weight;
  int count;
};

__attribute__((noinline)) static int weight(const struct item *it) { return it->weight * 2; }

__attribute__((noinline)) static void retire(struct item *it) {
  if (it->count == 0)
    free(it);
}

int main(void) {
  struct item *it = malloc(sizeof *it);
  it->weight = 3;
  it->count = 0;
  int total = it->count + weight(it);
  total += it->count + weight(it);
  retire(it);
  // CHECK: ERROR: ffisan: heap-use-after-free on address
  // CHECK: READ of size 4
  // CHECK: #0 {{.*}} in main {{.*}}heap_use_after_free_across_calls.c:[[@LINE+1]]
  return total + it->count;
}
