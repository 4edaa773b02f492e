// Modules loaded with dlopen get their read-only data painted too: a store into a string literal
// of a dlopen'ed library is a write-to-readonly naming the library; after dlclose it is forgotten.
// RUN: %ffisan_cc -O0 -shared -fPIC -DLIBRARY %s -o %t.so
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t && not %t %t.so 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 -I%root/runtime/include %s -o %t && not %t %t.so 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 -I%root/runtime/include %s -o %t && not %t %t.so 2>&1 | FileCheck %s
#ifdef LIBRARY
const char *greeting(void) { return "hello from the library"; }
#else
#include <dlfcn.h>
#include <stdio.h>
#include "ffisan.h"

__attribute__((noinline)) void shout(char *s) { s[0] = 'H'; }

int main(int argc, char **argv) {
  void *lib = dlopen(argv[1], RTLD_NOW);
  const char *(*greeting)(void) = (const char *(*)(void))dlsym(lib, "greeting");
  char *text = (char *)greeting();
  fprintf(stderr, "literal is %s\n", ffisan_region_kind(text));
  // CHECK: literal is read-only
  shout(text);
  // CHECK: ERROR: ffisan: write-to-readonly
  // CHECK: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in shout
  // CHECK: #1 {{.*}} in main {{.*}}dlopen_write_to_readonly.c:[[@LINE-4]]
  // CHECK: read-only data of {{.*}}dlopen_write_to_readonly.c.tmp.so
  return 0;
}
#endif
