// A program's own SIGSEGV handler wins, installed before the runtime starts or after (ASan's
// allow_user_segv_handler); handle_segv=0 leaves the signal alone; handle_abort=1 reports abort().
// RUN: %ffisan_cc -O2 %s -o %t && %t later 2>&1 | FileCheck --check-prefix=OWN --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && env FFISAN_OPTIONS=handle_segv=0 sh -c '%t none 2>&1; test $? -eq 139' | FileCheck --allow-empty --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && sh -c '%t abort 2>&1; test $? -eq 134' | FileCheck --allow-empty --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O0 %s -o %t && env FFISAN_OPTIONS=handle_abort=1 not %t abort 2>&1 | FileCheck --check-prefix=ABORT %s
// RUN: %ffisan_cc -O2 %s -o %t && env FFISAN_OPTIONS=handle_abort=1 not %t abort 2>&1 | FileCheck --check-prefix=ABORT %s
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void own_handler(int sig) {
  static const char msg[] = "own handler ran\n";
  write(2, msg, sizeof msg - 1);
  _exit(sig == SIGSEGV ? 0 : 3);
}

__attribute__((noinline)) void crash(volatile int *p) { *p = 1; }

__attribute__((noinline)) void give_up(void) { abort(); }
// ABORT: ERROR: ffisan: SIGABRT on unknown address
// ABORT: in abort
// ABORT: #{{[0-9]+}} {{.*}} in give_up {{.*}}deadly_signal_program_handler.c:[[@LINE-3]]
// ABORT: in main
// ABORT: SUMMARY: ffisan: SIGABRT

int main(int argc, char **argv) {
  (void)argc;
  if (strcmp(argv[1], "later") == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = own_handler;
    sigaction(SIGSEGV, &sa, 0);
  }
  if (strcmp(argv[1], "abort") == 0)
    give_up();
  crash((volatile int *)16);
  return 1;
}
// OWN: own handler ran
