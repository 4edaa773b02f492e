// With managed_policy=strict every native access to a registered region is a cross-domain-access,
// named after the region; the unregistered part of a region is ordinary memory again.
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t && env FFISAN_OPTIONS=managed_policy=strict not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 -I%root/runtime/include %s -o %t && env FFISAN_OPTIONS=managed_policy=strict not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 -I%root/runtime/include %s -o %t && env FFISAN_OPTIONS=managed_policy=strict not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <sys/mman.h>
#include "ffisan.h"

__attribute__((noinline)) void poke(volatile char *p) { *p = 1; }

int main(void) {
  char *m = mmap(0, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ffisan_register_managed_region(m, 1 << 16, "vm-heap");
  ffisan_unregister_managed_region(m, 4096);
  poke(m + 10);  // no longer managed: fine
  fprintf(stderr, "hole ok\n");
  // CHECK: hole ok
  poke(m + 5000);
  // CHECK: ERROR: ffisan: cross-domain-access
  // CHECK: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in poke
  // CHECK: #1 {{.*}} in main {{.*}}managed_strict_region_access.c:[[@LINE-4]]
  // CHECK: located in the managed region vm-heap
  return 0;
}
