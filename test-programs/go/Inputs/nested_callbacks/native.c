// Native half of nested_callbacks: Go memory is touched only inside a cgo call on the same thread,
// at every depth of C -> Go -> C nesting, on Go's threads and on threads C created.
#include <pthread.h>

#include "_cgo_export.h"
#include "native.h"

long walk(long *v, int n) {
  long s = 0;
  for (int i = 0; i < n; i++) {
    s += goStep(v[i]); // C -> Go, which calls fill -> goLeaf -> leaf
    v[i] += 1;          // the outer window is still open after the callback returned
  }
  return s;
}

long fill(long *v, int n, int seed) {
  for (int i = 0; i < n; i++)
    v[i] = seed + i;
  long deeper = goLeaf(seed); // one more level: C -> Go -> C -> Go -> C
  return v[0] + v[n - 1] + deeper; // and back in this window
}

long leaf(long x) { return x ^ 1; }

long fill_on_c_thread(long *v, int n, int seed) {
  long r = fill(v, n, seed);
  if (v[n / 2] != seed + n / 2) // a C thread, inside the cgo call its Go callback made
    return -1;
  return r;
}

struct job {
  int rounds;
  long result;
};

static void *worker(void *arg) {
  struct job *job = arg;
  for (int r = 0; r < job->rounds; r++)
    job->result += goFromThread(r); // a C thread enters Go, which calls C (fill) again
  return 0;
}

long run_threads(int threads, int rounds) {
  pthread_t tids[16];
  struct job jobs[16];
  if (threads > 16)
    threads = 16;
  for (int t = 0; t < threads; t++) {
    jobs[t].rounds = rounds;
    jobs[t].result = 0;
    pthread_create(&tids[t], 0, worker, &jobs[t]);
  }
  long total = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(tids[t], 0);
    total += jobs[t].result;
  }
  return total;
}
