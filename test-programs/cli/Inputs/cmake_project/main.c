// Built by cmake with CC=ffisan-cc: reads a freed chunk.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  char *p = malloc(8);
  free(p);
  __asm__ volatile("" : "+r"(p)); // keep the (undefined) read at -O2
  printf("%d\n", p[0]);
  return 0;
}
