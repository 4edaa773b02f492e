// A signal handler running on an alternate signal stack uses escaping locals and reads the
// interrupted code's live stack: the alternate stack is a "stack" region and nothing is reported.
// RUN: %ffisan_cc -O0 -I%root/runtime/include %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 -I%root/runtime/include %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "ffisan.h"

static volatile int *interrupted_local;
static const char *alt_kind;
static int seen;

__attribute__((noinline)) static void consume(char *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

static void handler(int sig) {
  char scratch[128]; // a fake frame, or the alternate stack itself
  memset(scratch, sig, sizeof scratch);
  consume(scratch);
  int on_alt;
  alt_kind = ffisan_region_kind(&on_alt);
  seen = *interrupted_local + scratch[5];
}

__attribute__((noinline)) static void work(void) {
  volatile int mine = 100;
  interrupted_local = &mine;
  char buf[64];
  consume(buf);
  raise(SIGUSR1);
}

int main(void) {
  void *alt = mmap(0, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  stack_t ss = {.ss_sp = alt, .ss_size = 1 << 16};
  sigaltstack(&ss, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, 0);
  for (int i = 0; i < 100; i++)
    work();
  printf("handler saw %d on a %s\n", seen, alt_kind);
  // CHECK: handler saw 110 on a stack
  return 0;
}
