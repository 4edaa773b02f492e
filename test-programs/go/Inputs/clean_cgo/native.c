// Native half of the clean cgo program: reads and writes Go memory only during the call, calls back
// into Go, which calls C again.
#include <stdlib.h>
#include <string.h>

#include "_cgo_export.h"

long sum_and_scale(long *v, int n, long factor) {
  long s = 0;
  for (int i = 0; i < n; i++) {
    s += v[i];
    v[i] *= factor; // writing a Go slice during the call is allowed
  }
  return s;
}

int count_char(const char *s, char c) {
  int n = 0;
  for (; *s; s++)
    n += *s == c;
  return n;
}

long visit(long *v, int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += goVisit(v[i]); // C -> Go
  return s;
}

long twice(long x) { return 2 * x; } // Go (inside the callback) -> C again

long copy_out(long *dst, int n) {
  long *tmp = malloc(sizeof(long) * n);
  for (int i = 0; i < n; i++)
    tmp[i] = i;
  memcpy(dst, tmp, sizeof(long) * n); // C heap -> Go heap during the call
  free(tmp);
  return dst[n - 1];
}

// Allocates n blocks of 80 bytes, writes and reads them back, frees them: the C heap grows past
// what starts the prefault helper while goroutines and the collector run.
long churn(int n) {
  long *blocks[128];
  long s = 0;
  for (int i = 0; i < n && i < 128; i++) {
    blocks[i] = malloc(80);
    blocks[i][9] = i;
  }
  for (int i = 0; i < n && i < 128; i++) {
    s += blocks[i][9];
    free(blocks[i]);
  }
  return s;
}
