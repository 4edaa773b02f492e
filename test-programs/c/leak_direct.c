// Chunks whose last pointer is gone by exit: direct leaks, one paragraph per allocation stack
// with the bytes and objects of all its chunks, the SUMMARY, exit status 1 (`exitcode`), and one
// JSON line per paragraph. detect_leaks=0 and leak_check_at_exit=0 turn the check off.
// RUN: %ffisan_cc -O0 %s -o %t -lpthread && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t -lpthread && not %t 2>&1 | FileCheck %s
// RUN: rm -f %t.json && env FFISAN_OPTIONS=json_path=%t.json:exitcode=7 sh -c '%t > /dev/null 2>&1; echo status $?' | FileCheck %s --check-prefix=STATUS
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: env FFISAN_OPTIONS=detect_leaks=0 %t 2>&1 | FileCheck %s --check-prefix=OFF --implicit-check-not=ffisan
// RUN: env FFISAN_OPTIONS=leak_check_at_exit=0 %t 2>&1 | FileCheck %s --check-prefix=OFF --implicit-check-not=ffisan
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "Inputs/leak_helpers.h"
// The program's output is flushed before the report.
// CHECK: copied leaky
// CHECK: =={{[0-9]+}}==ERROR: ffisan: detected memory leaks

__attribute__((noinline)) static void drop_big(void) {
  consume(malloc(300000)); // glibc carves it (no size class is that big)
  // CHECK: Direct leak of 300000 byte(s) in 1 object(s) allocated from:
  // CHECK: in drop_big {{.*}}leak_direct.c:[[@LINE-2]]
}

__attribute__((noinline)) static void make_scratch(void) {
#pragma clang loop unroll(disable) // one allocation site, as written
  for (int i = 0; i < 3; i++) {
    char *scratch = malloc(16); // three 16-byte chunks, never freed
    // CHECK: Direct leak of 48 byte(s) in 3 object(s) allocated from:
    // CHECK-NEXT: #0 {{.*}} in malloc
    // CHECK-NEXT: #1 {{.*}} in make_scratch {{.*}}leak_direct.c:[[@LINE-3]]
    // CHECK-NEXT: #2 {{.*}} in run_body {{.*}}leak_helpers.h
    memset(scratch, i, 16);
    consume(scratch);
  }
}

__attribute__((noinline)) static void copy_name(const char *name) {
  char *copy = strdup(name);
  // CHECK: Direct leak of 6 byte(s) in 1 object(s) allocated from:
  // CHECK: in strdup
  // CHECK: in copy_name {{.*}}leak_direct.c:[[@LINE-3]]
  printf("copied %s\n", copy);
}

static void copy_leaky(void) { copy_name("leaky"); }

int main(void) {
  on_a_thread(drop_big);
  on_a_thread(make_scratch);
  on_a_thread(copy_leaky);
  return 0;
}
// CHECK: SUMMARY: ffisan: 300054 byte(s) leaked in 5 allocation(s).
// JSON: "kind":"memory-leak","leak":"direct","access":"leak","size":300000,"count":1
// JSON: "kind":"memory-leak","leak":"direct","access":"leak","size":48,"count":3
// JSON-SAME: "alloc_stack":[{{.*}}"function":"make_scratch"
// JSON: "kind":"memory-leak","leak":"direct","access":"leak","size":6,"count":1
// STATUS: status 7
// OFF: copied leaky
