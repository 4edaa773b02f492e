// A dlopen'ed library registers its globals from its constructor: reading past one of its tables
// is a global-buffer-overflow naming it; after dlclose its globals are unregistered and their
// redzones unpainted, loaded again they are registered again.
// RUN: %ffisan_cc -O0 -shared -fPIC -DLIBRARY %s -o %t.so
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t && not %t %t.so 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 -I%root/runtime/include %s -o %t && not %t %t.so 2>&1 | FileCheck %s
#ifdef LIBRARY
int primes[6] = {2, 3, 5, 7, 11, 13};
int *table(void) { return primes; }
__attribute__((noinline)) int nth(int i) { return primes[i]; }
#else
#include <dlfcn.h>
#include <stdio.h>
#include "ffisan.h"

int main(int argc, char **argv) {
  for (int round = 0; round < 2; round++) {
    void *lib = dlopen(argv[1], RTLD_NOW);
    int *(*table)(void) = (int *(*)(void))dlsym(lib, "table");
    int (*nth)(int) = (int (*)(int))dlsym(lib, "nth");
    fprintf(stderr, "round %d: %d %s\n", round, nth(5), ffisan_region_kind(table()));
    // CHECK: round 0: 13 global
    // CHECK: round 1: 13 global
    if (round == 0) {
      dlclose(lib);
      continue;
    }
    printf("%d\n", nth(argc + 4));
    // CHECK: ERROR: ffisan: global-buffer-overflow
    // CHECK: READ of size 4
    // CHECK: #0 {{.*}} in nth {{.*}}global_buffer_overflow_dlopen.c:10
    // CHECK: #1 {{.*}} in main {{.*}}global_buffer_overflow_dlopen.c:[[@LINE-4]]
    // CHECK: is located 0 bytes after global variable 'primes' defined in '{{.*}}global_buffer_overflow_dlopen.c' ({{0x[0-9a-f]+}}) of size 24
  }
  return 0;
}
#endif
