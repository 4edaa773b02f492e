// Character classes, case mapping and errno, from the main thread and from others (each has its
// own errno and locale-table pointers), under the C and a UTF-8 locale: nothing is reported, and a
// heap overflow on the same line as a ctype lookup still is.
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s --check-prefix=CLEAN
// RUN: %ffisan_cc -O3 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s --check-prefix=CLEAN
// RUN: %ffisan_cc -O2 %s -o %t && not %t overflow 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// RUN: %ffisan_cc -O3 %s -o %t && not %t overflow 2>&1 | FileCheck %s --check-prefix=OVERFLOW
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *classify(void *arg) {
  const char *text = arg;
  long alpha = 0, upper = 0;
  for (int round = 0; round < 1000; round++)
    for (const char *c = text; *c; c++) {
      alpha += isalpha((unsigned char)*c) != 0;
      upper += toupper((unsigned char)*c) == *c;
      errno = round;
      if (errno != round)
        abort();
    }
  return (void *)(alpha + upper);
}

int main(int argc, char **argv) {
  const char *text = "Hello, World! 123 \xe9t\xe9";
  if (argc > 1) {
    char *copy = strdup(text);
    size_t n = strlen(copy);
    // OVERFLOW: ERROR: ffisan: heap-buffer-overflow
    // OVERFLOW: READ of size 1
    // OVERFLOW: #0 {{.*}} in main {{.*}}clean_ctype_errno.c:[[@LINE+1]]
    return isalpha((unsigned char)copy[n + 1]);
  }
  setlocale(LC_ALL, "C.UTF-8");
  pthread_t threads[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&threads[i], NULL, classify, (void *)text);
  long total = (long)classify((void *)text);
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(threads[i], &r);
    total += (long)r;
  }
  // CLEAN: total 105000
  printf("total %ld\n", total);
  return 0;
}
