// String literals and const tables are read, argv strings written, thread-locals used from threads:
// no finding.
// RUN: %ffisan_cc -O0 %s -o %t -pthread && %t hello 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t -pthread && %t hello 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {"zero", "one", "two", "three"};
static const int squares[4] = {0, 1, 4, 9};
static __thread int counter;
static __thread char scratch[32];

__attribute__((noinline)) static size_t total_length(const char *const *v, int n) {
  size_t t = 0;
  for (int i = 0; i < n; i++)
    t += strlen(v[i]);
  return t;
}

static void *bump(void *arg) {
  int *out = arg;
  for (int i = 0; i < 1000; i++)
    counter++;
  snprintf(scratch, sizeof scratch, "%d", counter);
  *out = counter + (int)strlen(scratch);
  return NULL;
}

int main(int argc, char **argv) {
  for (char *c = argv[argc - 1]; *c; c++)
    *c = (char)toupper((unsigned char)*c);
  const char *lit = "literal";
  int results[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, bump, &results[i]);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  counter = 7;
  printf("%s %zu %d %c %d %d\n", argv[argc - 1], total_length(names, 4), squares[3], lit[3], results[2], counter);
  // CHECK: HELLO 15 9 e 1004 7
  return 0;
}
