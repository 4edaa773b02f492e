// An interpreter whose escaping locals belong to two of its opcode cases, inside the dispatch loop
// (as in SQLite's sqlite3VdbeExec): the locals live in the fake frame, the interpreter computes
// the same result as a plain build, and a pointer to a local used after the interpreter returned
// is a stack-use-after-return.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O3 %s -o %t && not %t 2>&1 | FileCheck %s
#include <stdio.h>

long *saved;
long *first_seen;

__attribute__((noinline)) void keep(long *p) { saved = p; }

__attribute__((noinline)) long run(const char *ops) {
  long acc = 0;
  for (const char *op = ops; *op; op++) {
    switch (*op) {
    case 'a': {
      long local = acc + 1;
      keep(&local); // escapes
      acc += local;
      break;
    }
    case 'b': {
      long other = acc * 2;
      keep(&other);
      if (!first_seen)
        first_seen = saved;
      acc += *saved;
      break;
    }
    case '+':
      acc++;
      break;
    default:
      break;
    }
  }
  return acc;
}

int main(void) {
  long sum = 0;
  for (int i = 0; i < 1000; i++)
    sum += run("++++"); // no case with a local: no frame
  sum += run("ab+ab");
  fprintf(stderr, "sum %ld\n", sum);
  // CHECK: sum 4027
  sum += *saved;
  // CHECK: ERROR: ffisan: stack-use-after-return
  // CHECK: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in main {{.*}}stack_use_after_return_opcode_cases.c:[[@LINE-3]]
  // CHECK: is located in a dead stack frame of thread T0
  printf("%ld\n", sum);
  return 0;
}
