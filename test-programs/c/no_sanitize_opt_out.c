// Functions opted out the way ASan's are (no_sanitize("address"), no_sanitize_address,
// disable_sanitizer_instrumentation) read freed memory unreported; the same read in an ordinary
// function is a heap-use-after-free. Custom allocators rely on this.
// RUN: %ffisan_cc -O0 %s -o %t && %t opted-out 2>&1 | FileCheck --check-prefix=OPTED-OUT --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O0 %s -o %t && not %t checked 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && %t opted-out 2>&1 | FileCheck --check-prefix=OPTED-OUT --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O3 %s -o %t && %t opted-out 2>&1 | FileCheck --check-prefix=OPTED-OUT --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t checked 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t checked 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline, no_sanitize("address"))) int read_no_sanitize(const char *p) { return p[1]; }

__attribute__((noinline, no_sanitize_address)) int read_no_sanitize_address(const char *p) {
  return p[2];
}

__attribute__((noinline, disable_sanitizer_instrumentation)) int read_disabled(const char *p) {
  return p[3];
}

// The libc hooks are checks of the function that calls them: opted out, they go too.
__attribute__((noinline, no_sanitize("address"))) size_t length_no_sanitize(const char *p) {
  return strlen(p);
}

// CHECK: ERROR: ffisan: heap-use-after-free
// CHECK: READ of size 1
// CHECK: #0 {{.*}} in read_checked {{.*}}no_sanitize_opt_out.c:[[@LINE+1]]
__attribute__((noinline)) int read_checked(const char *p) { return p[4]; }

int main(int argc, char **argv) {
  char *p = malloc(16);
  strcpy(p, "freed, not gone");
  free(p);
  __asm__ volatile("" : "+r"(p)); // keep -O2 from deleting the (undefined) uses
  if (argc > 1 && strcmp(argv[1], "opted-out") == 0) {
    int sum = read_no_sanitize(p) + read_no_sanitize_address(p) + read_disabled(p);
    printf("unchecked %d %d\n", sum != 0, length_no_sanitize(p) != 0);
    // OPTED-OUT: unchecked
    return 0;
  }
  return read_checked(p);
}
