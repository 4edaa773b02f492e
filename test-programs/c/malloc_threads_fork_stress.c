// Many threads malloc, calloc, realloc and free each other's chunks while some fork: no deadlock
// (fork handlers hold the runtime's locks), no crash, no finding, a working allocator in the child.
// RUN: %clang -g -O1 %s -o %t -pthread -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
// RUN: %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: env FFISAN_OPTIONS=quarantine_size_mb=1 %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS 20000
#define SLOTS 64

static void *slots[THREADS][SLOTS];
static int child_failures;

static void *worker(void *arg) {
  long id = (long)arg;
  unsigned seed = (unsigned)id + 1;
  for (int r = 0; r < ROUNDS; r++) {
    int i = rand_r(&seed) % SLOTS;
    long other = rand_r(&seed) % THREADS;
    free(__atomic_exchange_n(&slots[other][i], NULL, __ATOMIC_ACQ_REL)); // cross-thread free
    size_t size = rand_r(&seed) % 300;
    char *p = r % 7 == 0 ? calloc(1, size) : malloc(size);
    if (size)
      p[size - 1] = 1;
    if (r % 13 == 0)
      p = realloc(p, size + 100);
    if (r % 2500 == 0) {
      pid_t child = fork();
      if (child == 0) {
        char *q = strdup("child allocates");
        free(q);
        _exit(0);
      }
      int status = 0;
      waitpid(child, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        __atomic_add_fetch(&child_failures, 1, __ATOMIC_RELAXED);
    }
    free(__atomic_exchange_n(&slots[id][i], p, __ATOMIC_ACQ_REL));
  }
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++)
    pthread_create(&t[i], NULL, worker, (void *)i);
  for (int i = 0; i < THREADS; i++)
    pthread_join(t[i], NULL);
  for (int i = 0; i < THREADS; i++)
    for (int j = 0; j < SLOTS; j++)
      free(slots[i][j]);
  printf("threads done, child failures %d\n", child_failures);
  // CHECK: threads done, child failures 0
  return 0;
}
