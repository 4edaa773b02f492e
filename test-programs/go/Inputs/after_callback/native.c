// A C thread calls into Go (goLend), which lends a Go slice to C (remember) for the duration of that
// cgo call. Back on the C thread, after the callback returned, the window of that cgo call is closed:
// reading the remembered slice is a cross-domain-access.
#include <pthread.h>

#include "_cgo_export.h"

static const long *remembered;
static long first;

void remember(const long *v) {
  remembered = v;
  first = v[0]; // inside the cgo call that lent it: allowed
}

static void *worker(void *out) {
  goLend(); // C thread -> Go -> C (remember) -> back to Go -> back here
  *(long *)out = remembered[1] + first;
  return 0;
}

long read_after_callback(void) {
  long r = 0;
  pthread_t t;
  pthread_create(&t, 0, worker, &r);
  pthread_join(t, 0);
  return r;
}
