// An alloca() in a branch whose address merges with NULL in a phi after the branch (Juliet's
// CWE590 free_struct_alloca_09 at -O2): the pass gives the alloca redzones on the real stack
// and, walking its users, met the phi; asking a phi for its callee crashed clang. Used in
// bounds it is clean; freeing it is an invalid-free on the stack; reading past it is a
// dynamic-stack-buffer-overflow.
// RUN: %ffisan_cc -g -O0 %s -o %t0 && %ffisan_cc -g -O2 %s -o %t2 && %ffisan_cc -g -O3 %s -o %t3
// RUN: %t0 0 2>&1 | FileCheck %s --check-prefix=CLEAN --implicit-check-not=ffisan
// RUN: %t2 0 2>&1 | FileCheck %s --check-prefix=CLEAN --implicit-check-not=ffisan
// RUN: %t3 0 2>&1 | FileCheck %s --check-prefix=CLEAN --implicit-check-not=ffisan
// RUN: not %t0 1 2>&1 | FileCheck %s --check-prefix=FREE
// RUN: not %t2 1 2>&1 | FileCheck %s --check-prefix=FREE
// RUN: not %t0 2 2>&1 | FileCheck %s --check-prefix=PAST
// RUN: not %t2 2 2>&1 | FileCheck %s --check-prefix=PAST
#include <alloca.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  int one, two;
} pair;

int always = 1; // read at run time (Juliet's GLOBAL_CONST_TRUE is in another file): the branch stays

__attribute__((noinline)) void show(const pair *p, int i) { printf("%d\n", p[i].one + p[i].two); }
// PAST: ERROR: ffisan: dynamic-stack-buffer-overflow
// PAST: #0 {{.*}} in show {{.*}}alloca_in_branch_phi.c:[[@LINE-2]]

__attribute__((noinline)) void use_branch_alloca(int mode) {
  pair *data = NULL;
  if (always) {
    pair *buffer = alloca(100 * sizeof(pair));
    for (int i = 0; i < 100; i++)
      buffer[i].one = buffer[i].two = 1;
    data = buffer;
  }
  show(data, mode == 2 ? 100 : 99);
  // PAST: #1 {{.*}} in use_branch_alloca {{.*}}alloca_in_branch_phi.c:[[@LINE-1]]
  // PAST: 0 bytes after the 800-byte dynamic stack object
  if (mode == 1)
    free(data);
  // FREE: ERROR: ffisan: invalid-free
  // FREE: #1 {{.*}} in use_branch_alloca {{.*}}alloca_in_branch_phi.c:[[@LINE-2]]
  // FREE: stack
}

int main(int argc, char **argv) {
  use_branch_alloca(argc > 1 ? atoi(argv[1]) : 0);
  puts("done");
  // CLEAN: 2
  // CLEAN-NEXT: done
  return 0;
}
