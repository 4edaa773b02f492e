// A local used through a pointer after its scope closed: after its block, after the loop whose
// body declared it, a temporary after its full expression, and after a goto out of its block.
// stack-use-after-scope, naming the frame's objects and the one the access is inside.
// RUN: %ffisan_cc -O0 %s -o %t0 && %ffisan_cc -O2 %s -o %t2 && %ffisan_cc -O3 %s -o %t3
// RUN: not %t0 0 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not %t2 0 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not %t3 0 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not %t0 1 2>&1 | FileCheck %s --check-prefix=LOOP
// RUN: not %t2 1 2>&1 | FileCheck %s --check-prefix=LOOP
// RUN: not %t3 1 2>&1 | FileCheck %s --check-prefix=LOOP
// RUN: not %t0 2 2>&1 | FileCheck %s --check-prefix=TEMP
// RUN: not %t2 2 2>&1 | FileCheck %s --check-prefix=TEMP
// RUN: not %t3 2 2>&1 | FileCheck %s --check-prefix=TEMP
// RUN: not %t0 3 2>&1 | FileCheck %s --check-prefix=GOTO
// RUN: not %t2 3 2>&1 | FileCheck %s --check-prefix=GOTO
// RUN: not %t3 3 2>&1 | FileCheck %s --check-prefix=GOTO
// RUN: rm -f %t.json && env FFISAN_OPTIONS=json_path=%t.json not %t2 0 2>/dev/null; FileCheck %s --check-prefix=JSON < %t.json
// RUN: not %ffisan report %t.json --sarif %t.sarif > /dev/null; FileCheck %s --check-prefix=SARIF < %t.sarif
// SARIF: "ruleId": "stack-use-after-scope"
// SARIF: "id": "stack-use-after-scope"
// SARIF-NEXT: "name": "StackUseAfterScope"
// RUN: echo "stack-use-after-scope:after_block" > %t.supp
// RUN: env FFISAN_OPTIONS=suppressions=%t.supp %t2 0 2>&1 | FileCheck %s --check-prefix=OFF --implicit-check-not=ffisan
// The option turns the kind off, as ASan's does:
// RUN: env FFISAN_OPTIONS=detect_stack_use_after_scope=0 %t2 0 2>&1 | FileCheck %s --check-prefix=OFF --implicit-check-not=ffisan
#include <stdio.h>
#include <stdlib.h>

volatile int *volatile kept;

__attribute__((noinline)) int *keep(int *p) {
  kept = p;
  return p;
}

__attribute__((noinline)) int after_block(int n) {
  int *p;
  {
    int x = n;
    p = keep(&x);
  }
  return *p;
  // BLOCK: ERROR: ffisan: stack-use-after-scope on address
  // BLOCK: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // BLOCK: #0 {{.*}} in after_block {{.*}}stack_use_after_scope.c:[[@LINE-3]]
  // BLOCK: is located in stack of thread T0 at offset [[AT:[0-9]+]] in frame of after_block
  // BLOCK: This frame has 1 object(s):
  // BLOCK: [[[AT]], {{[0-9]+}}) 'x' (line [[#@LINE-9]]) <== Memory access at offset [[AT]] is inside this variable
  // BLOCK: SUMMARY: ffisan: stack-use-after-scope {{.*}}stack_use_after_scope.c:[[@LINE-7]]{{.*}} in after_block
  // JSON: "kind":"stack-use-after-scope","access":"read","size":4
  // JSON-SAME: "region":"stack","region_name":"'x' (line [[#@LINE-12]]) in frame of after_block"
  // OFF: result 0
}

__attribute__((noinline)) int after_loop(int n) {
  for (int i = 0; i < n; i++) {
    int row[3] = {i, i + 1, i + 2};
    keep(row);
  }
  kept[2] = 7; // the last iteration's row
  // LOOP: ERROR: ffisan: stack-use-after-scope on address
  // LOOP: WRITE of size 4 at {{0x[0-9a-f]+}} thread T0
  // LOOP: #0 {{.*}} in after_loop {{.*}}stack_use_after_scope.c:[[@LINE-3]]
  // LOOP: 'row' (line {{[0-9]+}}) <== Memory access at offset {{[0-9]+}} is inside this variable
  return 0;
}

struct pair {
  int v[2];
};

__attribute__((noinline)) struct pair make(int a) {
  struct pair p = {{a, a + 1}};
  return p;
}

__attribute__((noinline)) int after_temporary(int n) {
  int *q = keep(make(n).v); // the temporary ends with the declaration
  return q[1];
  // TEMP: ERROR: ffisan: stack-use-after-scope on address
  // TEMP: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // TEMP: #0 {{.*}} in after_temporary {{.*}}stack_use_after_scope.c:[[@LINE-3]]
  // TEMP: <== Memory access at offset {{[0-9]+}} is inside this variable
}

__attribute__((noinline)) int after_goto(int n) {
  int *p;
  {
    int y = n;
    p = keep(&y);
    if (n > 0)
      goto out;
    y++;
  }
out:
  return *p;
  // GOTO: ERROR: ffisan: stack-use-after-scope on address
  // GOTO: #0 {{.*}} in after_goto {{.*}}stack_use_after_scope.c:[[@LINE-2]]
  // GOTO: 'y' (line [[#@LINE-10]]) <== Memory access at offset {{[0-9]+}} is inside this variable
}

int main(int argc, char **argv) {
  int which = atoi(argv[1]);
  int r = 0;
  if (which == 0)
    r = after_block(argc - 2);
  if (which == 1)
    r = after_loop(argc + 1);
  if (which == 2)
    r = after_temporary(argc);
  if (which == 3)
    r = after_goto(argc);
  printf("result %d\n", r);
  return 0;
}
