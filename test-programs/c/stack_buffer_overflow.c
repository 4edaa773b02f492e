// Reading one element past a local array, writing past a local through a pointer passed to a
// callee, and a memcpy running past a local buffer: stack-buffer-overflow, naming the frame's
// objects, the one the access overflows marked with its offset in the frame.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 0 2>&1 | FileCheck %s --check-prefix=INDEX
// RUN: %ffisan_cc -O2 %s -o %t && not %t 0 2>&1 | FileCheck %s --check-prefix=INDEX
// RUN: %ffisan_cc -O0 %s -o %t && not %t 1 2>&1 | FileCheck %s --check-prefix=CALLEE
// RUN: %ffisan_cc -O2 %s -o %t && not %t 1 2>&1 | FileCheck %s --check-prefix=CALLEE
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2 2>&1 | FileCheck %s --check-prefix=MEMCPY
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2 2>&1 | FileCheck %s --check-prefix=MEMCPY
// RUN: rm -f %t.json && %ffisan_cc -O2 %s -o %t && env FFISAN_OPTIONS=json_path=%t.json not %t 0 2>/dev/null; FileCheck %s --check-prefix=JSON < %t.json
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int sum_to(int n) {
  int squares[8];
  for (int i = 0; i < 8; i++)
    squares[i] = i * i;
  int s = 0;
  for (int i = 0; i <= n; i++) // one too many
    s += squares[i];
  // INDEX: ERROR: ffisan: stack-buffer-overflow on address
  // INDEX: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // INDEX: #0 {{.*}} in sum_to {{.*}}stack_buffer_overflow.c:[[@LINE-3]]
  // INDEX: is located in stack of thread T0 at offset 64 in frame of sum_to
  // INDEX: This frame has 1 object(s):
  // INDEX: [32, 64) 'squares' (line {{16|18}}) <== Memory access at offset 64 overflows this variable
  // INDEX: SUMMARY: ffisan: stack-buffer-overflow {{.*}}stack_buffer_overflow.c:[[@LINE-7]]
  // JSON: "kind":"stack-buffer-overflow","access":"read","size":4
  // JSON-SAME: "region":"stack","region_name":"'squares' (line {{16|18}}) in frame of sum_to"
  return s;
}

__attribute__((noinline)) void fill(char *out, int n) {
  for (int i = 0; i < n; i++)
    out[i] = 'a' + i;
  // CALLEE: ERROR: ffisan: stack-buffer-overflow
  // CALLEE: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // CALLEE: #0 {{.*}} in fill {{.*}}stack_buffer_overflow.c:[[@LINE-3]]
  // CALLEE: #1 {{.*}} in make_tag {{.*}}stack_buffer_overflow.c:[[@LINE+9]]
  // CALLEE: in frame of make_tag
  // CALLEE: This frame has {{[12]}} object(s):
  // CALLEE: 'tag' (line {{[0-9]+}}) <== Memory access at offset {{[0-9]+}} overflows this variable
}

__attribute__((noinline)) int make_tag(int n) {
  char tag[6];
  long count = n;
  fill(tag, n);
  fill((char *)&count, 1);
  return tag[0] + (int)count;
}

__attribute__((noinline)) int copy_name(const char *src, size_t n) {
  char name[12];
  memcpy(name, src, n);
  // MEMCPY: ERROR: ffisan: stack-buffer-overflow
  // MEMCPY: WRITE of size 16 at {{0x[0-9a-f]+}} thread T0
  // MEMCPY: #{{[0-9]+}} {{.*}} in copy_name {{.*}}stack_buffer_overflow.c:[[@LINE-3]]
  // MEMCPY: [32, 44) 'name' (line {{[0-9]+}}) <== Memory access at offset 44 overflows this variable
  return name[0];
}

int main(int argc, char **argv) {
  int which = atoi(argv[1]);
  if (which == 0)
    printf("%d\n", sum_to(argc + 6));
  if (which == 1)
    printf("%d\n", make_tag(argc + 5));
  if (which == 2)
    printf("%d\n", copy_name("a sixteen byte!", 14 + argc));
  return 0;
}
