// Reading one element past a global table, writing one byte past a static array, and reading past
// a const table and a string literal: global-buffer-overflow, naming the global, where it is
// defined and its size. Stores inside a const object stay write-to-readonly
// (write_to_readonly_const_table.c).
// RUN: %ffisan_cc -O0 %s -o %t && not %t 0 2>&1 | FileCheck %s --check-prefix=TABLE
// RUN: %ffisan_cc -O2 %s -o %t && not %t 0 2>&1 | FileCheck %s --check-prefix=TABLE
// RUN: %ffisan_cc -O0 %s -o %t && not %t 1 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: %ffisan_cc -O2 %s -o %t && not %t 1 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2 2>&1 | FileCheck %s --check-prefix=CONST
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2 2>&1 | FileCheck %s --check-prefix=CONST
// RUN: %ffisan_cc -O0 %s -o %t && not %t 3 2>&1 | FileCheck %s --check-prefix=LITERAL
// RUN: %ffisan_cc -O2 %s -o %t && not %t 3 2>&1 | FileCheck %s --check-prefix=LITERAL
// With -g the definition's line is known too.
// RUN: %ffisan_cc -g -O2 %s -o %t && not %t 0 2>&1 | FileCheck %s --check-prefix=LINE
// RUN: rm -f %t.json && %ffisan_cc -O2 %s -o %t && env FFISAN_OPTIONS=json_path=%t.json not %t 0 2>/dev/null; FileCheck %s --check-prefix=JSON < %t.json
#include <stdio.h>
#include <stdlib.h>

int table[10];
// LINE: is located 0 bytes after global variable 'table' defined in '{{.*}}global_buffer_overflow.c:[[@LINE-1]]' ({{0x[0-9a-f]+}}) of size 40
char name[13];
static const short weights[7] = {1, 2, 3, 4, 5, 6, 7};

__attribute__((noinline)) int read_table(int i) {
  return table[i];
  // TABLE: ERROR: ffisan: global-buffer-overflow on address
  // TABLE: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // TABLE: #0 {{.*}} in read_table {{.*}}global_buffer_overflow.c:[[@LINE-3]]
  // TABLE: is located 0 bytes after global variable 'table' defined in '{{.*}}global_buffer_overflow.c' ({{0x[0-9a-f]+}}) of size 40
  // TABLE: SUMMARY: ffisan: global-buffer-overflow {{.*}}global_buffer_overflow.c:[[@LINE-5]]
  // JSON: "kind":"global-buffer-overflow","access":"read","size":4
  // JSON-SAME: "region":"global","region_name":"'table' defined in '{{.*}}global_buffer_overflow.c'"
}

__attribute__((noinline)) void write_name(int i) {
  name[i] = 'x';
  // STATIC: ERROR: ffisan: global-buffer-overflow
  // STATIC: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // STATIC: #0 {{.*}} in write_name {{.*}}global_buffer_overflow.c:[[@LINE-3]]
  // STATIC: is located 0 bytes after global variable 'name' defined in '{{.*}}global_buffer_overflow.c' ({{0x[0-9a-f]+}}) of size 13
}

__attribute__((noinline)) int read_weight(int i) {
  return weights[i];
  // CONST: ERROR: ffisan: global-buffer-overflow
  // CONST: READ of size 2 at {{0x[0-9a-f]+}} thread T0
  // CONST: #0 {{.*}} in read_weight {{.*}}global_buffer_overflow.c:[[@LINE-3]]
  // CONST: is located 2 bytes after global variable 'weights' defined in '{{.*}}global_buffer_overflow.c' ({{0x[0-9a-f]+}}) of size 14
}

__attribute__((noinline)) char read_literal(const char *s, int i) { return s[i]; }

int main(int argc, char **argv) {
  int which = atoi(argv[1]);
  int n = argc + 8; // 10 when called with one argument
  if (which == 0)
    printf("%d\n", read_table(n - 1) + read_table(n));
  if (which == 1)
    write_name(n + 3);
  if (which == 2)
    printf("%d\n", read_weight(n - 2));
  if (which == 3)
    printf("%d\n", read_literal("four", n - 5));
  // LITERAL: ERROR: ffisan: global-buffer-overflow
  // LITERAL: READ of size 1 at {{0x[0-9a-f]+}} thread T0
  // LITERAL: #0 {{.*}} in read_literal
  // LITERAL: #1 {{.*}} in main {{.*}}global_buffer_overflow.c:[[@LINE-4]]
  // LITERAL: is located 0 bytes after global variable '.str{{.*}}' defined in '{{.*}}global_buffer_overflow.c' ({{0x[0-9a-f]+}}) of size 5
  return 0;
}
