// dlclose really unloading a library forgets its regions: its old addresses are no longer
// read-only (a later mapping there is ordinary memory). A library kept by another handle stays.
// RUN: %ffisan_cc -O0 -shared -fPIC -DLIBRARY %s -o %t.so
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t && %t %t.so 2>&1 | FileCheck --implicit-check-not=ffisan %s
#ifdef LIBRARY
const char *greeting(void) { return "hello from the library"; }
#else
#include <dlfcn.h>
#include <stdio.h>
#include "ffisan.h"

int main(int argc, char **argv) {
  void *first = dlopen(argv[1], RTLD_NOW);
  void *second = dlopen(argv[1], RTLD_NOW);
  const char *(*greeting)(void) = (const char *(*)(void))dlsym(first, "greeting");
  const char *text = greeting();
  printf("loaded: %s\n", ffisan_region_kind(text));
  // CHECK: loaded: read-only
  dlclose(first);
  printf("one handle left: %s\n", ffisan_region_kind(text));
  // CHECK-NEXT: one handle left: read-only
  dlclose(second);
  printf("unloaded: %s\n", ffisan_region_kind(text));
  // CHECK-NEXT: unloaded: unknown
  return 0;
}
#endif
