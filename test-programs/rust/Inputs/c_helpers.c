// C side of the Rust test programs: a literal handed out through FFI, a buffer the C side frees,
// and a call that writes into a Rust slice.
#include <stdlib.h>
#include <string.h>

const char *c_greeting(void) { return "hello from C"; }

char *c_make_buffer(size_t n) {
  char *p = malloc(n);
  memset(p, 'c', n);
  return p;
}

void c_release(char *p) { free(p); }

void c_fill(unsigned char *dst, size_t n, unsigned char v) { memset(dst, v, n); }

char *c_roundtrip(char *s) { // takes ownership of a CString for a moment, gives it back
  s[0] = (char)(s[0] & ~0x20);
  return s;
}
