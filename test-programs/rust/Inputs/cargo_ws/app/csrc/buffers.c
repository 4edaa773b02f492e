// The C side of the workspace: buffers that C allocates and frees, and one C bug.
#include <stdlib.h>
#include <string.h>

char *c_make_buffer(size_t n) {
  char *p = malloc(n);
  memset(p, 'c', n);
  return p;
}

void c_release(char *p) { free(p); }

// Bug: reads the buffer after freeing it (the volatile keeps the read at any -O).
int c_peek_after_release(size_t n) {
  volatile char *p = c_make_buffer(n);
  free((char *)p);
  return p[1];
}
