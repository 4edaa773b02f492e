// Poisoning memory with another meaning keeps a meaningful state: a managed region (what Go's
// -asan runtime poisons and unpoisons) is use-after-poison while poisoned and managed again once
// unpoisoned (so the managed policy still holds), read-only data likewise read-only again, and
// a freed chunk stays a heap-use-after-free whatever the program unpoisons.
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t
// RUN: env FFISAN_OPTIONS=managed_policy=strict not %t poisoned 2>&1 | FileCheck --check-prefix=POISONED %s
// RUN: env FFISAN_OPTIONS=managed_policy=strict not %t managed 2>&1 | FileCheck --check-prefix=MANAGED %s
// RUN: not %t readonly 2>&1 | FileCheck --check-prefix=READONLY %s
// RUN: not %t freed 2>&1 | FileCheck --check-prefix=FREED %s
// RUN: %ffisan_cc -O2 -I%root/runtime/include %s -o %t
// RUN: env FFISAN_OPTIONS=managed_policy=strict not %t poisoned 2>&1 | FileCheck --check-prefix=POISONED %s
// RUN: env FFISAN_OPTIONS=managed_policy=strict not %t managed 2>&1 | FileCheck --check-prefix=MANAGED %s
// RUN: not %t readonly 2>&1 | FileCheck --check-prefix=READONLY %s
// RUN: not %t freed 2>&1 | FileCheck --check-prefix=FREED %s
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "ffisan.h"

const char table[64] = "read-only table";

__attribute__((noinline)) void poke(volatile char *p) { *p = 1; }

int main(int argc, char **argv) {
  (void)argc;
  char *m = mmap(0, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ffisan_register_managed_region(m, 1 << 16, "vm-heap");
  __asan_poison_memory_region(m + 64, 64);
  fprintf(stderr, "managed: poisoned %d %d, region %s\n", __asan_address_is_poisoned(m + 64),
          __asan_address_is_poisoned(m), ffisan_region_kind(m + 64));
  // POISONED: managed: poisoned 1 0, region managed
  if (strcmp(argv[1], "poisoned") == 0)
    poke(m + 70);
  // POISONED: ERROR: ffisan: use-after-poison
  __asan_unpoison_memory_region(m + 64, 64);
  fprintf(stderr, "unpoisoned: %d\n", __asan_address_is_poisoned(m + 64));
  // MANAGED: unpoisoned: 0
  if (strcmp(argv[1], "managed") == 0)
    poke(m + 70);
  // MANAGED: ERROR: ffisan: cross-domain-access
  // MANAGED: located in the managed region vm-heap
  __asan_poison_memory_region((void *)table, sizeof table);
  __asan_unpoison_memory_region((void *)table, sizeof table);
  fprintf(stderr, "table: %s\n", table);
  // READONLY: table: read-only table
  if (strcmp(argv[1], "readonly") == 0)
    poke((char *)table + 8);
  // READONLY: ERROR: ffisan: write-to-readonly
  char *chunk = malloc(16);
  free(chunk);
  __asan_unpoison_memory_region(chunk, 16);
  if (strcmp(argv[1], "freed") == 0)
    poke(chunk);
  // FREED: ERROR: ffisan: heap-use-after-free
  return 0;
}
