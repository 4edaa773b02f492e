// Plain mmap'd memory (anonymous and file-backed) is "unknown" to ffisan: reads and writes are fine.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void) {
  size_t len = 1 << 20;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return 1;
  memset(p, 'a', len);
  p[len - 1] = 'z';
  long count = 0;
  for (size_t i = 0; i < len; i += 4096)
    count += p[i] == 'a';
  munmap(p, len);
  p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p[0] = 'b';
  printf("%ld %c\n", count, p[0]);
  // CHECK: 256 b
  munmap(p, len);
  return 0;
}
