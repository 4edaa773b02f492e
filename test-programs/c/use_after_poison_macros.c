// Code that takes ASan's paths when __SANITIZE_ADDRESS__ is defined (LLVM's Compiler.h does so)
// links under ffisan, and a write to what it poisoned is a use-after-poison. clang's
// <sanitizer/asan_interface.h> makes ASAN_POISON_MEMORY_REGION real under
// __has_feature(address_sanitizer), which ffisan cc's clang says (as it defines
// __SANITIZE_ADDRESS__), or with ASAN_DEFINE_REGION_MACROS: every build here poisons.
// RUN: %ffisan_cc -D__SANITIZE_ADDRESS__ -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -D__SANITIZE_ADDRESS__ -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -DASAN_DEFINE_REGION_MACROS -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -DASAN_DEFINE_REGION_MACROS -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#if defined(__SANITIZE_ADDRESS__) && !defined(ASAN_DEFINE_REGION_MACROS)
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n) __asan_poison_memory_region(p, n)
#define ARENA_UNPOISON(p, n) __asan_unpoison_memory_region(p, n)
#else
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#endif

struct arena {
  char *base;
  size_t used, size;
};

// A bump allocator that keeps its unused tail poisoned, as arena allocators under ASan do.
static void *arena_alloc(struct arena *a, size_t n) {
  char *p = a->base + a->used;
  a->used += (n + 7) & ~(size_t)7;
  ARENA_UNPOISON(p, n);
  return p;
}

__attribute__((noinline)) void fill(char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    p[i] = 'x';
}

int main(void) {
  struct arena a = {malloc(256), 0, 256};
  ARENA_POISON(a.base, a.size);
  char *first = arena_alloc(&a, 16);
  fill(first, 16);
  fprintf(stderr, "first filled\n");
  // CHECK: first filled
  fill(first, 24); // runs into the arena's poisoned tail
  // CHECK: ERROR: ffisan: use-after-poison on address
  // At -O2 the loop is a memset of 24 bytes, checked whole.
  // CHECK: WRITE of size {{1|24}} at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in fill {{.*}}use_after_poison_macros.c:38
  // CHECK: #1 {{.*}} in main {{.*}}use_after_poison_macros.c:[[@LINE-5]]
  // CHECK: is located 16 bytes inside of 256-byte region
  // CHECK: SUMMARY: ffisan: use-after-poison {{.*}}use_after_poison_macros.c:38
  return 0;
}
