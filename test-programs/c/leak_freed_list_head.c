// A list whose head is freed while its nodes are not: the node the head pointed to is a direct
// leak and the nodes behind it indirect ones, as LeakSanitizer says (freeing the direct one, the
// list, frees the rest). ffisan keeps LeakSanitizer's rule here, not issue #25's "reachable only
// from a freed chunk is indirect": that rule leaves no direct leak to start from, and freed memory
// holds stale pointers to chunks reused since, which turns real direct leaks into indirect ones
// (docs/user-guide.md, "Leaks"). With verbosity=3 the check names the freed chunk that still
// points to the direct leak: the head, the free that lost the list.
// RUN: %ffisan_cc -O0 %s -o %t -lpthread && not %t > %t.out 2>&1 && FileCheck %s < %t.out && sed -n '/^Indirect/,$p' %t.out | FileCheck %s --check-prefix=INDIRECT
// RUN: %ffisan_cc -O2 %s -o %t -lpthread && not %t > %t.out 2>&1 && FileCheck %s < %t.out && sed -n '/^Indirect/,$p' %t.out | FileCheck %s --check-prefix=INDIRECT
// RUN: env FFISAN_OPTIONS=verbosity=3 not %t 2>&1 | FileCheck %s --check-prefix=HOLDER
#include <stdio.h>
#include <stdlib.h>
#include "Inputs/leak_helpers.h"
// CHECK: ERROR: ffisan: detected memory leaks
// CHECK-NOT: leak of

struct node {
  struct node *next;
  long value;
};

__attribute__((noinline)) static struct node *push(struct node *list, long value) {
  struct node *n = malloc(sizeof *n);
  // CHECK: Direct leak of 16 byte(s) in 1 object(s) allocated from:
  // CHECK-NEXT: #0 {{.*}} in malloc
  // CHECK-NEXT: #1 {{.*}} in push {{.*}}leak_freed_list_head.c:[[@LINE-3]]
  // CHECK-NOT: Direct leak
  // INDIRECT: Indirect leak of 32 byte(s) in 2 object(s) allocated from:
  // INDIRECT-NEXT: #0 {{.*}} in malloc
  // INDIRECT-NEXT: #1 {{.*}} in push {{.*}}leak_freed_list_head.c:[[@LINE-7]]
  // INDIRECT-NOT: leak of
  // INDIRECT: SUMMARY: ffisan: 48 byte(s) leaked in 3 allocation(s).
  n->next = list;
  n->value = value;
  return n;
}

__attribute__((noinline)) static struct node *build(int length) {
  struct node *list = 0;
#pragma clang loop unroll(disable) // one call site: one allocation stack at -O2 too
  for (int i = 0; i < length; i++)
    list = push(list, i);
  return list;
}

__attribute__((noinline)) static void free_head_only(void) {
  struct node *head = malloc(48);
  struct node *list = build(3);
  head->next = list;
  consume(head);
  fprintf(stderr, "head %p first node %p\n", (void *)head, (void *)list);
  // HOLDER: head [[HEAD:0x[0-9a-f]+]] first node [[NODE:0x[0-9a-f]+]]
  free(head); // the nodes' only pointer goes with it
}

int main(void) {
  on_a_thread(free_head_only);
  return 0;
}
// HOLDER: ffisan: leak check: freed chunk [[HEAD]] points to leaked chunk [[NODE]]
// HOLDER: Direct leak of 16 byte(s) in 1 object(s)
