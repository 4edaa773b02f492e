// A SIGSEGV ends in a report: the address, the registers, READ or WRITE from the page fault's
// error code, the stack of the faulting context with file:line, a SUMMARY and a JSON finding.
// RUN: %ffisan_cc -O0 %s -o %t && not %t write 2>&1 | FileCheck --check-prefix=WRITE %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t write 2>&1 | FileCheck --check-prefix=WRITE %s
// RUN: %ffisan_cc -O0 %s -o %t && not %t read 2>&1 | FileCheck --check-prefix=READ %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t read 2>&1 | FileCheck --check-prefix=READ %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t wild 2>&1 | FileCheck --check-prefix=WILD %s
// RUN: rm -f %t.jsonl && env FFISAN_OPTIONS=json_path=%t.jsonl not %t write 2>/dev/null && FileCheck --check-prefix=JSON %s < %t.jsonl
// RUN: env FFISAN_OPTIONS=halt_on_error=0 sh -c '%t write 2>/dev/null; test $? -eq 1'
#include <stdio.h>
#include <string.h>

struct node {
  long key, value;
  struct node *next;
};

__attribute__((noinline)) void set_value(struct node *n, long v) {
  n->value = v;
  // WRITE: =={{[0-9]+}}==ERROR: ffisan: SEGV on unknown address 0x000000000008 (pc [[PC:0x[0-9a-f]+]] bp 0x{{[0-9a-f]+}} sp 0x{{[0-9a-f]+}} T0)
  // WRITE-NEXT: =={{[0-9]+}}==The signal is caused by a WRITE memory access (domain: c).
  // WRITE-NEXT: =={{[0-9]+}}==Hint: address points to the zero page.
  // WRITE-NEXT: #0 [[PC]] in set_value {{.*}}deadly_segv.c:[[@LINE-4]]
  // WRITE-NEXT: #1 {{.*}} in main {{.*}}deadly_segv.c:[[@LINE+18]]
  // WRITE: SUMMARY: ffisan: SEGV {{.*}}deadly_segv.c:[[@LINE-6]]:{{[0-9]+}} in set_value
}

__attribute__((noinline)) long get_key(struct node *n) {
  return n->next->key;
  // READ: ERROR: ffisan: SEGV on unknown address 0x000000000000 (pc
  // READ-NEXT: The signal is caused by a READ memory access (domain: c).
  // READ: #0 {{.*}} in get_key {{.*}}deadly_segv.c:[[@LINE-3]]
  // READ-NEXT: #1 {{.*}} in main {{.*}}deadly_segv.c:[[@LINE+11]]
  // READ: SUMMARY: ffisan: SEGV {{.*}}deadly_segv.c:[[@LINE-5]]:{{[0-9]+}} in get_key
}

__attribute__((noinline)) void set_key(struct node *n, long k) { n->key = k; }

int main(int argc, char **argv) {
  struct node n = {1, 2, 0};
  if (strcmp(argv[1], "write") == 0)
    set_value((struct node *)0, 3);
  else if (strcmp(argv[1], "read") == 0)
    printf("%ld\n", get_key(&n));
  else
    set_key((struct node *)0x8000000000000000ul, 3);
  // WILD: ERROR: ffisan: SEGV on unknown address 0x000000000000
  // WILD: Hint: the address is not canonical (a wild pointer, high bits set): the kernel gives 0 for it
  // WILD: #0 {{.*}} in set_key
  return 0;
}
// JSON: {"version":1,"kind":"SEGV","access":"write","size":0,"address":"0x8","pc":"[[PC:0x[0-9a-f]+]]","region":"unknown",{{.*}}"signal":11,"bp":"0x{{[0-9a-f]+}}","sp":"0x{{[0-9a-f]+}}","pid":{{[0-9]+}},"stack":[{"pc":"[[PC]]","function":"set_value","file":"{{.*}}deadly_segv.c","line":19,
