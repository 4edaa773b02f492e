// Accesses outside an alloca or a VLA, which keep redzones on the real stack: a VLA read one past
// its end, an alloca() read one before its start, a memcpy running past a VLA made in a loop.
// dynamic-stack-buffer-overflow, naming the object's size and where the access lies.
// RUN: %ffisan_cc -O0 %s -o %t0 && %ffisan_cc -O2 %s -o %t2 && %ffisan_cc -O3 %s -o %t3
// RUN: not %t0 0 2>&1 | FileCheck %s --check-prefix=VLA
// RUN: not %t2 0 2>&1 | FileCheck %s --check-prefix=VLA
// RUN: not %t3 0 2>&1 | FileCheck %s --check-prefix=VLA
// RUN: not %t0 1 2>&1 | FileCheck %s --check-prefix=ALLOCA
// RUN: not %t2 1 2>&1 | FileCheck %s --check-prefix=ALLOCA
// RUN: not %t3 1 2>&1 | FileCheck %s --check-prefix=ALLOCA
// RUN: not %t0 2 2>&1 | FileCheck %s --check-prefix=LOOP
// RUN: not %t2 2 2>&1 | FileCheck %s --check-prefix=LOOP
// RUN: not %t3 2 2>&1 | FileCheck %s --check-prefix=LOOP
// RUN: rm -f %t.json && env FFISAN_OPTIONS=json_path=%t.json not %t2 0 2>/dev/null; FileCheck %s --check-prefix=JSON < %t.json
// RUN: not %ffisan report %t.json --sarif %t.sarif > /dev/null; FileCheck %s --check-prefix=SARIF < %t.sarif
// SARIF: "ruleId": "dynamic-stack-buffer-overflow"
// SARIF: "id": "dynamic-stack-buffer-overflow"
// RUN: echo "dynamic-stack-buffer-overflow:vla_past_end" > %t.supp
// RUN: env FFISAN_OPTIONS=suppressions=%t.supp %t2 0 2>&1 | FileCheck %s --check-prefix=SUPP --implicit-check-not=ffisan
// SUPP: {{^-?[0-9]+$}}
#include <alloca.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int vla_past_end(int n) {
  int vla[n];
  for (int i = 0; i < n; i++)
    vla[i] = i;
  return vla[n];
  // VLA: ERROR: ffisan: dynamic-stack-buffer-overflow on address
  // VLA: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // VLA: #0 {{.*}} in vla_past_end {{.*}}dynamic_stack_buffer_overflow.c:[[@LINE-3]]
  // VLA: is located 0 bytes after the 40-byte dynamic stack object (alloca or VLA) [{{0x[0-9a-f]+}},{{0x[0-9a-f]+}}) in stack of thread T0
  // VLA: SUMMARY: ffisan: dynamic-stack-buffer-overflow {{.*}}dynamic_stack_buffer_overflow.c:[[@LINE-5]]{{.*}} in vla_past_end
  // JSON: "kind":"dynamic-stack-buffer-overflow","access":"read","size":4
  // JSON-SAME: "region":"stack","region_name":"dynamic stack object (alloca or VLA)"
}

__attribute__((noinline)) int alloca_before_start(int n) {
  char *a = alloca(n);
  memset(a, 'x', n);
  volatile char *p = a;
  return p[-1];
  // ALLOCA: ERROR: ffisan: dynamic-stack-buffer-overflow on address
  // ALLOCA: READ of size 1 at {{0x[0-9a-f]+}} thread T0
  // ALLOCA: #0 {{.*}} in alloca_before_start {{.*}}dynamic_stack_buffer_overflow.c:[[@LINE-3]]
  // ALLOCA: is located 1 bytes before the 11-byte dynamic stack object (alloca or VLA)
}

__attribute__((noinline)) int copy_rows(const char *src, int rows) {
  int s = 0;
  for (int r = 1; r <= rows; r++) {
    char row[r * 4];
    memcpy(row, src, r * 4 + (r == rows)); // the last row gets one byte too many
    s += row[0];
  }
  return s;
  // LOOP: ERROR: ffisan: dynamic-stack-buffer-overflow on address
  // LOOP: WRITE of size {{13|1}} at {{0x[0-9a-f]+}} thread T0
  // LOOP: #{{[01]}} {{.*}} in copy_rows {{.*}}dynamic_stack_buffer_overflow.c:[[@LINE-6]]
  // LOOP: is located 0 bytes after the 12-byte dynamic stack object (alloca or VLA)
}

int main(int argc, char **argv) {
  int which = atoi(argv[1]);
  if (which == 0)
    printf("%d\n", vla_past_end(argc + 8));
  if (which == 1)
    printf("%d\n", alloca_before_start(argc + 9));
  if (which == 2)
    printf("%d\n", copy_rows("abcdefghijklmnopqrstuvwxyz", argc + 1));
  return 0;
}
