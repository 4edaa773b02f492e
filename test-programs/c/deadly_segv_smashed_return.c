// A fault on returning through a smashed return address (an overflow that ran over the saved
// rbp and return address, as Juliet's CWE-121/124 alloca cases do), or on jumping to a wild pc
// (code the optimizer proved undefined and cut off), still ends in a report: the unwinder stops
// before the garbage address instead of faulting inside the handler.
// RUN: %ffisan_cc -O0 %s -o %t && not %t smash 2>&1 | FileCheck --check-prefix=SMASH %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t smash 2>&1 | FileCheck --check-prefix=SMASH %s
// RUN: %ffisan_cc -O0 %s -o %t && not %t jump 2>&1 | FileCheck --check-prefix=JUMP %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t jump 2>&1 | FileCheck --check-prefix=JUMP %s
#include <stdint.h>
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) void smash_own_frame(uintptr_t garbage) {
  // [rbp] is the saved rbp, [rbp + 8] the return address: both overwritten, as 'C' bytes would.
  volatile uintptr_t *record = (volatile uintptr_t *)__builtin_frame_address(0);
  record[0] = garbage;
  record[1] = garbage;
}

void (*volatile wild)(void) = (void (*)(void))0x11;

int main(int argc, char **argv) {
  fprintf(stderr, "before\n");
  if (argc > 1 && strcmp(argv[1], "smash") == 0)
    smash_own_frame(0x4343434343434343ul);
  else
    wild();
  fprintf(stderr, "not reached\n");
  return 0;
}
// SMASH: before
// SMASH-NOT: not reached
// SMASH: ERROR: ffisan: SEGV on unknown address
// SMASH: Hint: the address is not canonical
// SMASH: #0 {{.*}} in smash_own_frame {{.*}}deadly_segv_smashed_return.c:18
// SMASH: SUMMARY: ffisan: SEGV {{.*}}deadly_segv_smashed_return.c:18:{{[0-9]+}} in smash_own_frame

// JUMP: before
// JUMP-NOT: not reached
// JUMP: ERROR: ffisan: SEGV on unknown address 0x000000000011 (pc 0x11
// JUMP: Hint: address points to the zero page.
// JUMP-NEXT: #0 0x11 
// JUMP: SUMMARY: ffisan: SEGV
