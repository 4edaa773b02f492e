// ffisan_region_kind names what an address points into; registering and unregistering (all or
// part of) a managed region changes the answer for exactly that range.
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 -I%root/runtime/include %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "ffisan.h"

int counter = 1;
const int table[4] = {1, 2, 3, 4};

static void show(const char *what, const void *p) { printf("%s: %s\n", what, ffisan_region_kind(p)); }

int main(void) {
  int local = 0;
  show("local", &local);            // CHECK: local: stack
  show("global", &counter);         // CHECK-NEXT: global: global
  show("const", &table[1]);         // CHECK-NEXT: const: read-only
  show("literal", "a literal");     // CHECK-NEXT: literal: read-only
  char *chunk = malloc(32);
  show("chunk", chunk);             // CHECK-NEXT: chunk: c-heap
  show("chunk+5", chunk + 5);       // CHECK-NEXT: chunk+5: c-heap
  free(chunk);
  show("freed", chunk);             // CHECK-NEXT: freed: freed
  char *m = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  show("mmap", m);                  // CHECK-NEXT: mmap: unknown
  ffisan_register_managed_region(m, 1 << 20, "toy-heap");
  show("registered", m + 100);      // CHECK-NEXT: registered: managed
  ffisan_unregister_managed_region(m + 4096, 4096); // e.g. memory pinned and handed to C for good
  show("hole", m + 5000);           // CHECK-NEXT: hole: unknown
  show("below hole", m + 4095);     // CHECK-NEXT: below hole: managed
  show("above hole", m + 8192);     // CHECK-NEXT: above hole: managed
  ffisan_register_managed_region(m + 4096, 4096, "toy-heap");
  show("refilled", m + 5000);       // CHECK-NEXT: refilled: managed
  ffisan_unregister_managed_region(m, 1 << 20);
  show("unregistered", m + 100);    // CHECK-NEXT: unregistered: unknown
  ffisan_register_managed_region(m, 1 << 20, "toy-heap");
  munmap(m, 1 << 19);               // unmapping forgets the region's unmapped part
  show("unmapped", m + 100);        // CHECK-NEXT: unmapped: unknown
  show("still mapped", m + (1 << 19)); // CHECK-NEXT: still mapped: managed
  return 0;
}
