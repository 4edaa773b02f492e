// A list whose head pointer is lost: the head is a direct leak, the nodes only it reaches are
// indirect leaks (grouped by their allocation stack), like LeakSanitizer. A list still held by a
// global is not reported.
// RUN: %ffisan_cc -O0 %s -o %t -lpthread && not %t > %t.out 2>&1 && FileCheck %s < %t.out && sed -n '/^Indirect/,$p' %t.out | FileCheck %s --check-prefix=INDIRECT
// RUN: %ffisan_cc -O2 %s -o %t -lpthread && not %t > %t.out 2>&1 && FileCheck %s < %t.out && sed -n '/^Indirect/,$p' %t.out | FileCheck %s --check-prefix=INDIRECT
#include <stdlib.h>
#include "Inputs/leak_helpers.h"
// CHECK: ERROR: ffisan: detected memory leaks
// The indirect paragraph comes after the direct one (sed cuts it out for the INDIRECT checks).
// INDIRECT: Indirect leak of 64 byte(s) in 4 object(s) allocated from:

struct node {
  struct node *next;
  long value;
};

struct node *kept; // a root: its list is reachable

__attribute__((noinline)) static struct node *push(struct node *list, long value) {
  struct node *n = malloc(sizeof *n);
  // INDIRECT: #1 {{.*}} in push {{.*}}leak_indirect_list.c:[[@LINE-1]]
  n->next = list;
  n->value = value;
  return n;
}

__attribute__((noinline)) static struct node *build(int length) {
  struct node *list = 0;
  for (int i = 0; i < length; i++)
    list = push(list, i);
  return list;
}

__attribute__((noinline)) static void drop_head(void) {
  struct node *head = malloc(sizeof *head); // the direct leak
  // CHECK: Direct leak of 16 byte(s) in 1 object(s) allocated from:
  // CHECK: #1 {{.*}} in drop_head {{.*}}leak_indirect_list.c:[[@LINE-2]]
  head->next = build(4); // four indirect ones
  // INDIRECT: in build
  // INDIRECT: in drop_head {{.*}}leak_indirect_list.c:[[@LINE-2]]
  head->value = -1;
  consume(head);
}


int main(void) {
  kept = build(5);
  on_a_thread(drop_head);
  return 0;
}
// CHECK: SUMMARY: ffisan: 80 byte(s) leaked in 5 allocation(s).
