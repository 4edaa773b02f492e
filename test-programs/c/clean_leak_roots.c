// Heap memory held only by a global, a thread-local, a pthread key's value, a thread parked in
// pthread_cond_wait (in its stack), a chain of chunks, interior pointers, big and over-aligned
// chunks (glibc-carved ones): none of it is a leak. Libc's own allocations (stdio buffers, the
// thread's DTV and key data) are not reported either.
// RUN: %ffisan_cc -O0 %s -o %t -lpthread && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t -lpthread && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *global_buffer;
char *big_buffer;     // 1 MiB: glibc carves it, not a size class
void *aligned_buffer; // over-aligned: glibc-carved too
static __thread char *thread_buffer;
static char *interior; // points into the middle of its chunk
static pthread_key_t key;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int parked, go_on;

static void *parker(void *arg) {
  (void)arg;
  char *mine = malloc(64); // only this thread's stack holds it
  memset(mine, 'p', 64);
  void **chain = malloc(sizeof(void *)); // a chunk reached only through another one
  *chain = malloc(32);
  pthread_setspecific(key, chain);
  pthread_mutex_lock(&lock);
  parked = 1;
  pthread_cond_broadcast(&wake);
  while (!go_on)
    pthread_cond_wait(&wake, &lock);
  pthread_mutex_unlock(&lock);
  __asm__ volatile("" ::"r"(mine) : "memory");
  return 0;
}

int main(void) {
  global_buffer = malloc(100);
  big_buffer = malloc(1 << 20);
  posix_memalign(&aligned_buffer, 4096, 1000);
  *(char **)aligned_buffer = malloc(50); // a class chunk reached through a glibc-carved one
  thread_buffer = malloc(200);
  interior = (char *)malloc(300) + 150;
  pthread_key_create(&key, 0);
  pthread_t t;
  pthread_create(&t, 0, parker, 0);
  pthread_mutex_lock(&lock);
  while (!parked)
    pthread_cond_wait(&wake, &lock);
  pthread_mutex_unlock(&lock);
  printf("thread parked, exiting with it still waiting (%p %p %p)\n", (void *)global_buffer,
         (void *)thread_buffer, (void *)interior);
  printf("%p %p\n", (void *)big_buffer, aligned_buffer);
  // CHECK: thread parked, exiting with it still waiting
  exit(0);
}
