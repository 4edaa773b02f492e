// -fsanitize-ignorelist=FILE works through ffisan cc as under ASan: a `fun:` line leaves that
// function unchecked, a `src:` line every function of the file; the others are still checked.
// RUN: echo "fun:ignored_read" > %t.fun
// RUN: %ffisan_cc -O0 -fsanitize-ignorelist=%t.fun %s -o %t && %t ignored 2>&1 | FileCheck --check-prefix=IGNORED --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O0 -fsanitize-ignorelist=%t.fun %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 -fsanitize-ignorelist=%t.fun %s -o %t && %t ignored 2>&1 | FileCheck --check-prefix=IGNORED --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O3 -fsanitize-ignorelist=%t.fun %s -o %t && %t ignored 2>&1 | FileCheck --check-prefix=IGNORED --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 -fsanitize-ignorelist=%t.fun %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 -fsanitize-ignorelist=%t.fun %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: echo "src:*ignorelist_fun_src.c" > %t.src
// RUN: %ffisan_cc -O2 -fsanitize-ignorelist=%t.src %s -o %t && %t 2>&1 | FileCheck --check-prefix=WHOLE-FILE --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O3 -fsanitize-ignorelist=%t.src %s -o %t && %t 2>&1 | FileCheck --check-prefix=WHOLE-FILE --implicit-check-not=ffisan %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int ignored_read(const char *p) { return p[1]; }

// CHECK: ERROR: ffisan: heap-use-after-free
// CHECK: #0 {{.*}} in checked_read {{.*}}ignorelist_fun_src.c:[[@LINE+1]]
__attribute__((noinline)) int checked_read(const char *p) { return p[2]; }

int main(int argc, char **argv) {
  char *p = malloc(16);
  strcpy(p, "freed, not gone");
  free(p);
  __asm__ volatile("" : "+r"(p)); // keep -O2 from deleting the (undefined) uses
  if (argc > 1 && strcmp(argv[1], "ignored") == 0) {
    printf("unchecked %d\n", ignored_read(p) != 0);
    // IGNORED: unchecked
    return 0;
  }
  printf("whole file unchecked %d\n", checked_read(p) != 0);
  // WHOLE-FILE: whole file unchecked
  return 0;
}
