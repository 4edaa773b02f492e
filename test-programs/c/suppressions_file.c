// A suppressions file silences findings whose error stack matches kind:glob (function, file or
// module); verbosity=1 counts them at exit. Unmatched findings are still reported.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
// RUN: echo "# third-party code we cannot fix" > %t.supp
// RUN: echo "heap-use-after-free:legacy_*" >> %t.supp
// RUN: echo "" >> %t.supp
// RUN: echo "double-free:suppressions_file.c" >> %t.supp
// RUN: env FFISAN_OPTIONS=halt_on_error=0:verbosity=1:suppressions=%t.supp not %t 2>&1 | FileCheck %s
// RUN: echo "double-free:*" > %t.all
// RUN: echo "heap-use-after-free:*" >> %t.all
// RUN: env FFISAN_OPTIONS=suppressions=%t.all %t 2>&1 | FileCheck %s --check-prefix=ALL
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void __ffisan_slow_access(uint64_t addr, uint64_t size, uint32_t flags);

char *volatile chunk;

__attribute__((noinline)) void legacy_reader(char *p) { __ffisan_slow_access((uint64_t)p, 1, 0); }
__attribute__((noinline)) void new_reader(char *p) { __ffisan_slow_access((uint64_t)p, 1, 0); }

int main(void) {
  chunk = malloc(8);
  free(chunk);
  legacy_reader(chunk);
  legacy_reader(chunk);
  new_reader(chunk);
  free(chunk);
  puts("done");
  return 0;
}
// CHECK-NOT: in legacy_reader
// CHECK: ERROR: ffisan: heap-use-after-free
// CHECK: #0 {{.*}} in new_reader
// CHECK-NOT: double-free on
// CHECK: done
// CHECK: ffisan: 1 finding: heap-use-after-free 1
// CHECK: ffisan: 3 finding(s) suppressed
// ALL-NOT: ERROR
// ALL: done
