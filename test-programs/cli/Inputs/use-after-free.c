// A use after free for the driver tests: built the way a build system with an ASan switch builds it.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  char *p = malloc(16);
  free(p);
  printf("%d\n", p[3]);
  return 0;
}
