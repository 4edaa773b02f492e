// Bugs written plainly, with nothing to hide them from the optimizer, are found at every level.
// At -O1 and above LLVM folds a load of freed memory, and deletes a malloc whose only uses are frees
// and stores, before ffisan's pass runs (at the optimizer's end); the pass marks the functions it
// checks sanitize_address (as clang does for ASan) and declares free nobuiltin at the pipeline's start.
// By hand (clang -fpass-plugin) the pass marks the functions itself.
// RUN: %ffisan_cc -O0 %s -o %t && not %t load 2>&1 | FileCheck %s --check-prefix=LOAD
// RUN: %ffisan_cc -O2 %s -o %t && not %t load 2>&1 | FileCheck %s --check-prefix=LOAD
// RUN: %ffisan_cc -O3 %s -o %t && not %t load 2>&1 | FileCheck %s --check-prefix=LOAD
// RUN: %clang -O2 -g -fpass-plugin=%pass_plugin %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir && not %t load 2>&1 | FileCheck %s --check-prefix=LOAD
// RUN: %ffisan_cc -O0 %s -o %t && not %t memcpy 2>&1 | FileCheck %s --check-prefix=MEMCPY
// RUN: %ffisan_cc -O2 %s -o %t && not %t memcpy 2>&1 | FileCheck %s --check-prefix=MEMCPY
// RUN: %ffisan_cc -O3 %s -o %t && not %t memcpy 2>&1 | FileCheck %s --check-prefix=MEMCPY
// RUN: %ffisan_cc -O0 %s -o %t && not %t double 2>&1 | FileCheck %s --check-prefix=DOUBLE
// RUN: %ffisan_cc -O2 %s -o %t && not %t double 2>&1 | FileCheck %s --check-prefix=DOUBLE
// RUN: %ffisan_cc -O3 %s -o %t && not %t double 2>&1 | FileCheck %s --check-prefix=DOUBLE
// RUN: %clang -O2 -g -fpass-plugin=%pass_plugin %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir && not %t double 2>&1 | FileCheck %s --check-prefix=DOUBLE
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int load_after_free(void) {
  char *d = malloc(64);
  free(d);
  return d[3];
  // LOAD: ERROR: ffisan: heap-use-after-free
  // LOAD: READ of size 1
  // LOAD: #0 {{.*}} in load_after_free {{.*}}optimizer_keeps_bugs.c:[[@LINE-3]]
}

// ASan misses this one at -O2: the allocation is gone before its pass runs.
__attribute__((noinline)) void memcpy_after_free(const char *src) {
  char *d = malloc(64);
  free(d);
  memcpy(d, src, 8);
  // MEMCPY: ERROR: ffisan: heap-use-after-free
  // MEMCPY: WRITE of size 8
  // MEMCPY: #0 {{.*}} in memcpy_after_free {{.*}}optimizer_keeps_bugs.c:[[@LINE-3]]
}

// Juliet's CWE415_Double_Free__malloc_free_char_01_bad; ASan misses it at -O2 too.
__attribute__((noinline)) void double_free(void) {
  char *data = NULL;
  data = (char *)malloc(100 * sizeof(char));
  if (data == NULL)
    exit(-1);
  free(data);
  free(data); // at -O2 a tail call: its frame is main's
  // DOUBLE: ERROR: ffisan: double-free
  // DOUBLE: FREE at
  // DOUBLE: #1 {{.*}} in {{double_free|main}} {{.*}}optimizer_keeps_bugs.c
  // DOUBLE: freed by thread T0 here:
  // DOUBLE: #1 {{.*}} in double_free {{.*}}optimizer_keeps_bugs.c:[[@LINE-6]]
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 0;
  if (strcmp(argv[1], "load") == 0)
    return load_after_free();
  if (strcmp(argv[1], "memcpy") == 0)
    memcpy_after_free(argv[0]);
  if (strcmp(argv[1], "double") == 0)
    double_free();
  return 0;
}
