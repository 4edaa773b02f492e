// free() of a string literal is an invalid-free naming read-only data, never a crash (ASan SEGVs).
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir && not %t 2>&1 | FileCheck %s
// RUN: %clang -g -O2 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir && not %t 2>&1 | FileCheck %s
// RUN: rm -f %t.*.json && env FFISAN_OPTIONS=json_path=%t.%%p.json not %t
// RUN: cat %t.*.json | FileCheck %s --check-prefix=JSON
#include <stdio.h>
#include <stdlib.h>

char *volatile message = "literal";

int main(void) {
  free(message);
  // CHECK: ERROR: ffisan: invalid-free on address [[ADDR:0x[0-9a-f]+]]
  // CHECK: #0 {{.*}} in free
  // CHECK: #1 {{.*}} in main {{.*}}invalid_free_literal.c:[[@LINE-3]]
  // CHECK: [[ADDR]] is located in read-only data of {{.*}}invalid_free_literal.c.tmp
  // CHECK: SUMMARY: ffisan: invalid-free {{.*}}invalid_free_literal.c:[[@LINE-5]]:{{[0-9]+}} in main
  // JSON: {"version":1,"kind":"invalid-free","access":"free","size":0,"address":"0x{{[0-9a-f]+}}",{{.*}}"region":"read-only",{{.*}}"domain":"c","thread":0,{{.*}}"stack":[{"pc":"0x{{[0-9a-f]+}}","function":"free",{{.*}}"function":"main","file":"{{.*}}invalid_free_literal.c","line":[[@LINE-6]],{{.*}}"alloc_stack":[],"alloc_thread":null,"free_stack":[],"free_thread":null}
  puts("not reached");
  // CHECK-NOT: not reached
  return 0;
}
