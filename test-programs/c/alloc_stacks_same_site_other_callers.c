// Allocation and free stacks stay exact when one call site is reached through different callers
// at the same stack depth: the runtime remembers recent frame chains to skip the walk, and must
// see that the caller further up changed (via_a's frames are where via_b's are, only the return
// addresses differ).
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdlib.h>

// The empty asm after each call keeps it from becoming a tail call (which would drop the frame).
#define KEEP_FRAME() __asm__ volatile("" ::: "memory")
__attribute__((noinline)) static char *make(void) { char *p = malloc(24); KEEP_FRAME(); return p; }
__attribute__((noinline)) static void drop(char *p) { free(p); KEEP_FRAME(); }

__attribute__((noinline)) static char *make_via_a(void) { char *p = make(); KEEP_FRAME(); return p; }
__attribute__((noinline)) static char *make_via_b(void) { char *p = make(); KEEP_FRAME(); return p; }
__attribute__((noinline)) static void drop_via_a(char *p) { drop(p); KEEP_FRAME(); }
__attribute__((noinline)) static void drop_via_b(char *p) { drop(p); KEEP_FRAME(); }

int main(int argc, char **argv) {
  (void)argv;
  // Many chunks through the a-chains first, so the runtime has them cached.
  for (int i = 0; i < 1000; i++)
    drop_via_a(make_via_a());
  char *p = make_via_b();
  p[0] = (char)argc;
  drop_via_b(p);
  // CHECK: ERROR: ffisan: heap-use-after-free on address
  // CHECK: READ of size 1
  // CHECK: #0 {{.*}} in main {{.*}}alloc_stacks_same_site_other_callers.c:[[@LINE+11]]
  // CHECK: freed by thread T0 here:
  // CHECK-NEXT: #0 {{.*}} in free
  // CHECK-NEXT: #1 {{.*}} in drop {{.*}}alloc_stacks_same_site_other_callers.c:12
  // CHECK-NEXT: #2 {{.*}} in drop_via_b {{.*}}alloc_stacks_same_site_other_callers.c:17
  // CHECK-NEXT: #3 {{.*}} in main
  // CHECK: previously allocated by thread T0 here:
  // CHECK-NEXT: #0 {{.*}} in malloc
  // CHECK-NEXT: #1 {{.*}} in make {{.*}}alloc_stacks_same_site_other_callers.c:11
  // CHECK-NEXT: #2 {{.*}} in make_via_b {{.*}}alloc_stacks_same_site_other_callers.c:15
  // CHECK-NEXT: #3 {{.*}} in main
  return p[0];
}
