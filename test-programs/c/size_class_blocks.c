// Chunks between 4 KiB and 128 KiB live in blocks rounded up to their size class: the slack at a
// block's end is right redzone too, a recycled block is reused for a request of the same class,
// and calloc still hands it out zeroed.
// RUN: %ffisan_cc -O1 %s -o %t
// RUN: env FFISAN_OPTIONS=quarantine_size_mb=0 not %t 2>&1 | FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static char peek(const char *p, size_t i) { return p[i]; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); // keep our lines in order with the report on stderr
  char *first = malloc(5000);
  __asm__ volatile("" : "+r"(first));
  memset(first, 0xff, 5000);
  free(first);
  // 4900 bytes: another size, the same class as 5000 (a 6 KiB block).
  unsigned char *zeroed = calloc(1, 4900);
  __asm__ volatile("" : "+r"(zeroed));
  int all_zero = 1;
  for (size_t i = 0; i < 4900; i++)
    all_zero &= zeroed[i] == 0;
  printf("reused %d, zeroed %d\n", (void *)zeroed == (void *)first, all_zero);
  // CHECK-NOT: ERROR: ffisan
  // CHECK: reused 1, zeroed 1

  char *p = malloc(5000);
  __asm__ volatile("" : "+r"(p));
  memset(p, 'a', 5000);
  // 5000 + 256 bytes of redzone end at 5256; the block goes on to the class's 6144 - 16 bytes.
  printf("%d\n", peek(p, 5900));
  // CHECK: ERROR: ffisan: heap-buffer-overflow on address [[ADDR:0x[0-9a-f]+]]
  // CHECK: READ of size 1 at [[ADDR]]
  // CHECK: #0 {{.*}} in peek {{.*}}size_class_blocks.c:10
  // CHECK: is located 900 bytes after 5000-byte region
  return 0;
}
