// A 16-byte read starting inside a 9-byte object (a global, a heap chunk, a local) runs 7 bytes
// past its end, as xz's CLMUL CRC64 does to a 9-byte test string. The report names the object
// the access starts in, at its end ("0 bytes after"), whatever lies next: at -O2 the copy is
// two 8-byte loads and the second one is reported, still about the same object. (ASan names
// the global too, and first the string literal 32 bytes after it.)
// RUN: %ffisan_cc -g -O0 %s -o %t && not %t 0 2>&1 | FileCheck %s --check-prefix=GLOBAL
// RUN: %ffisan_cc -g -O2 %s -o %t && not %t 0 2>&1 | FileCheck %s --check-prefix=GLOBAL
// RUN: %ffisan_cc -g -O0 %s -o %t && not %t 1 2>&1 | FileCheck %s --check-prefix=HEAP
// RUN: %ffisan_cc -g -O2 %s -o %t && not %t 1 2>&1 | FileCheck %s --check-prefix=HEAP
// RUN: %ffisan_cc -g -O0 %s -o %t && not %t 2 2>&1 | FileCheck %s --check-prefix=STACK
// RUN: %ffisan_cc -g -O2 %s -o %t && not %t 2 2>&1 | FileCheck %s --check-prefix=STACK
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char bytes[16];
} block;

static const char test_string[9] = "12345678";
// GLOBAL: ERROR: ffisan: global-buffer-overflow on address
// GLOBAL: READ of size {{8|16}} at
// GLOBAL: #0 {{.*}} in load_block {{.*}}overflow_from_inside_names_object.c:[[@LINE+6]]
// GLOBAL: is located 0 bytes after global variable 'test_string' defined in '{{.*}}overflow_from_inside_names_object.c:[[@LINE-4]]' ({{0x[0-9a-f]+}}) of size 9
static const char next_string[] = "a string literal right after test_string, long enough";

__attribute__((noinline)) block load_block(const void *p) {
  block b;
  memcpy(&b, p, sizeof b);
  return b;
}

int main(int argc, char **argv) {
  int which = argc > 1 ? atoi(argv[1]) : 0;
  if (which == 0) {
    block b = load_block(test_string);
    return b.bytes[0] + next_string[0];
  }
  if (which == 1) {
    char *chunk = malloc(9);
    chunk[0] = 1;
    block b = load_block(chunk);
    // HEAP: ERROR: ffisan: heap-buffer-overflow on address
    // HEAP: is located 0 bytes after 9-byte region [{{0x[0-9a-f]+}},{{0x[0-9a-f]+}}) in the C heap
    free(chunk);
    return b.bytes[0];
  }
  char local[9];
  local[0] = 1;
  block b = load_block(local);
  // STACK: ERROR: ffisan: stack-buffer-overflow on address
  // STACK: is located in stack of thread T0 at offset [[END:[0-9]+]] in frame of main
  // STACK: [{{[0-9]+}}, [[END]]) 'local' (line [[@LINE-5]]) <== Memory access at offset [[END]] overflows this variable
  puts(local);
  return b.bytes[0];
}
