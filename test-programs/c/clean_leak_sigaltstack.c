// A sigaltstack buffer from malloc, whose only pointer the kernel holds (LeakSanitizer reports it
// as a leak; ffisan scans every thread's alternate stack and counts its buffer as reachable), and
// a chunk whose only pointer is on that alternate stack, left by a handler that ran there.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void handler(int sig) {
  (void)sig;
  stack_t now;
  sigaltstack(0, &now);
  // Store a fresh chunk's address at the alternate stack's bottom: it stays there after return.
  void **bottom = (void **)now.ss_sp;
  bottom[8] = malloc(40);
}

__attribute__((noinline)) static void install(void) {
  stack_t ss = {.ss_sp = malloc(1 << 16), .ss_size = 1 << 16};
  sigaltstack(&ss, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, 0);
}

int main(void) {
  install();
  raise(SIGUSR1);
  printf("handled on the alternate stack\n");
  // CHECK: handled on the alternate stack
  return 0;
}
