// Shared by the libc_*_errors.c tests: each test program holds one small case per libc function,
// chosen by its first argument, so one build serves every function's RUN lines.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Hides a pointer's origin from the optimiser, so a use after free stays in the program.
static void *opaque(void *p) {
  __asm__ volatile("" : "+r"(p)::"memory");
  return p;
}

// Keeps a result the optimiser would otherwise drop with the call that made it.
static void keep(long v) { __asm__ volatile("" ::"r"(v)); }

// A heap copy of `s` that has been freed.
static char *freed_copy(const char *s) {
  char *p = opaque(strdup(s));
  free(p);
  return opaque(p);
}

struct libc_case {
  const char *name;
  void (*run)(void);
};

// Runs the case named by argv[1]; a case that returns without a report exits 0.
static int run_case(const struct libc_case *cases, int argc, char **argv) {
  for (const struct libc_case *c = cases; argc > 1 && c->name; c++)
    if (strcmp(c->name, argv[1]) == 0) {
      c->run();
      return 0;
    }
  fprintf(stderr, "no such case\n");
  return 2;
}
