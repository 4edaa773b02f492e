/* Runtime under load: many threads allocate and free millions of chunks, hand half of them to a
 * neighbour thread that checks and frees them (cross-thread frees), grow buffers with realloc, and
 * dlopen/dlclose a small plugin while the others allocate. Every chunk carries a pattern that is checked
 * before it is freed, so a broken allocator shows up as "corrupt" instead of a wrong number.
 * The output is deterministic (totals do not depend on which thread frees what).
 * Usage: stress PLUGIN.so [THREADS] [ITERATIONS_PER_THREAD] */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64
#define MAILBOX_SLOTS 256
#define LIVE_SLOTS 64

struct mailbox {
  pthread_mutex_t lock;
  unsigned count;
  unsigned char *chunks[MAILBOX_SLOTS];
  size_t sizes[MAILBOX_SLOTS];
};

struct worker {
  int id;
  uint64_t rng;
  uint64_t bytes_freed; /* sum of the sizes of every chunk this thread freed */
  uint64_t operations;  /* malloc + free + realloc calls */
  uint64_t plugin_sum;
  pthread_t thread;
};

static struct mailbox mailboxes[MAX_THREADS];
static struct worker workers[MAX_THREADS];
static int thread_count = 8;
static long iterations = 500000;
static const char *plugin_path;
static pthread_barrier_t all_done_producing;

static uint64_t next_random(uint64_t *state) {
  /* xorshift64*: cheap, deterministic per thread. */
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

/* Mostly small chunks, some medium ones, a few large ones (like real programs). */
static size_t pick_size(uint64_t *rng) {
  uint64_t r = next_random(rng);
  unsigned bucket = r % 1000;
  if (bucket < 800)
    return 8 + (r >> 10) % 248;
  if (bucket < 995)
    return 256 + (r >> 10) % 3840;
  return 16384 + (r >> 10) % (112 * 1024);
}

static unsigned char tag_of(size_t size) { return (unsigned char)(size * 31 + 7); }

static unsigned char *make_chunk(struct worker *w, size_t size) {
  unsigned char *chunk = malloc(size);
  if (!chunk) {
    fprintf(stderr, "stress: out of memory\n");
    exit(2);
  }
  w->operations++;
  /* Mark both ends; fill the middle only for small chunks to keep the test about the allocator. */
  memset(chunk, tag_of(size), size < 512 ? size : 64);
  memset(chunk + size - 8 > chunk ? chunk + size - 8 : chunk, tag_of(size), size < 8 ? size : 8);
  return chunk;
}

static void check_and_free(struct worker *w, unsigned char *chunk, size_t size) {
  unsigned char tag = tag_of(size);
  if (chunk[0] != tag || chunk[size - 1] != tag || chunk[size / 2 < 64 ? size / 2 : 63] != tag) {
    fprintf(stderr, "stress: corrupt chunk of %zu bytes in thread %d\n", size, w->id);
    abort();
  }
  w->bytes_freed += size;
  w->operations++;
  free(chunk);
}

static int post(int to, unsigned char *chunk, size_t size) {
  struct mailbox *box = &mailboxes[to];
  int posted = 0;
  pthread_mutex_lock(&box->lock);
  if (box->count < MAILBOX_SLOTS) {
    box->chunks[box->count] = chunk;
    box->sizes[box->count] = size;
    box->count++;
    posted = 1;
  }
  pthread_mutex_unlock(&box->lock);
  return posted;
}

/* Frees what other threads sent here; all of it when drain is set. */
static void collect(struct worker *w, int drain) {
  struct mailbox *box = &mailboxes[w->id];
  unsigned char *chunks[MAILBOX_SLOTS];
  size_t sizes[MAILBOX_SLOTS];
  unsigned n;
  pthread_mutex_lock(&box->lock);
  n = box->count;
  if (!drain && n < MAILBOX_SLOTS / 2) {
    pthread_mutex_unlock(&box->lock);
    return;
  }
  memcpy(chunks, box->chunks, n * sizeof chunks[0]);
  memcpy(sizes, box->sizes, n * sizeof sizes[0]);
  box->count = 0;
  pthread_mutex_unlock(&box->lock);
  for (unsigned i = 0; i < n; i++)
    check_and_free(w, chunks[i], sizes[i]);
}

/* Grows one buffer by realloc from a few bytes to about 1 MiB, checking the kept prefix each time. */
static void realloc_growth(struct worker *w) {
  size_t size = 16;
  unsigned char *buffer = malloc(size);
  w->operations++;
  memset(buffer, 0x5a, size);
  while (size < (1u << 20)) {
    size_t grown = size + size / 2 + (next_random(&w->rng) % 64);
    buffer = realloc(buffer, grown);
    w->operations++;
    if (!buffer || buffer[0] != 0x5a || buffer[size - 1] != 0x5a) {
      fprintf(stderr, "stress: realloc lost data at %zu bytes in thread %d\n", size, w->id);
      abort();
    }
    memset(buffer + size, 0x5a, grown - size);
    size = grown;
  }
  free(buffer);
  w->operations++;
}

static void use_plugin(struct worker *w, uint64_t seed) {
  void *handle = dlopen(plugin_path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    fprintf(stderr, "stress: dlopen: %s\n", dlerror());
    exit(2);
  }
  uint64_t (*work)(uint64_t) = (uint64_t(*)(uint64_t))dlsym(handle, "stress_plugin_work");
  if (!work) {
    fprintf(stderr, "stress: dlsym: %s\n", dlerror());
    exit(2);
  }
  w->plugin_sum += work(seed);
  dlclose(handle);
}

static void *run_worker(void *arg) {
  struct worker *w = arg;
  unsigned char *live[LIVE_SLOTS] = {0};
  size_t live_sizes[LIVE_SLOTS] = {0};
  int neighbour = (w->id + 1) % thread_count;

  for (long i = 0; i < iterations; i++) {
    /* Replace a random long-lived chunk (local malloc/free). */
    unsigned slot = next_random(&w->rng) % LIVE_SLOTS;
    if (live[slot])
      check_and_free(w, live[slot], live_sizes[slot]);
    live_sizes[slot] = pick_size(&w->rng);
    live[slot] = make_chunk(w, live_sizes[slot]);

    /* Allocate a short-lived chunk and let the neighbour free it (or free it here if its box is full). */
    size_t size = pick_size(&w->rng);
    unsigned char *chunk = make_chunk(w, size);
    if (!post(neighbour, chunk, size))
      check_and_free(w, chunk, size);
    collect(w, 0);

    if (i % 20000 == 0)
      realloc_growth(w);
    if (i % 25000 == 12500)
      use_plugin(w, (uint64_t)w->id * 1000003u + (uint64_t)i);
  }
  for (unsigned slot = 0; slot < LIVE_SLOTS; slot++)
    if (live[slot])
      check_and_free(w, live[slot], live_sizes[slot]);

  pthread_barrier_wait(&all_done_producing);
  collect(w, 1);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PLUGIN.so [THREADS] [ITERATIONS_PER_THREAD]\n", argv[0]);
    return 2;
  }
  plugin_path = argv[1];
  if (argc > 2)
    thread_count = atoi(argv[2]);
  if (argc > 3)
    iterations = atol(argv[3]);
  if (thread_count < 1 || thread_count > MAX_THREADS || iterations < 1) {
    fprintf(stderr, "stress: bad thread count or iteration count\n");
    return 2;
  }

  pthread_barrier_init(&all_done_producing, NULL, (unsigned)thread_count);
  for (int t = 0; t < thread_count; t++) {
    pthread_mutex_init(&mailboxes[t].lock, NULL);
    workers[t].id = t;
    workers[t].rng = 0x9E3779B97F4A7C15ULL * (uint64_t)(t + 1);
  }
  for (int t = 0; t < thread_count; t++)
    if (pthread_create(&workers[t].thread, NULL, run_worker, &workers[t]) != 0) {
      fprintf(stderr, "stress: pthread_create failed\n");
      return 2;
    }

  uint64_t bytes = 0, operations = 0, plugin_sum = 0;
  for (int t = 0; t < thread_count; t++) {
    pthread_join(workers[t].thread, NULL);
    bytes += workers[t].bytes_freed;
    operations += workers[t].operations;
    plugin_sum += workers[t].plugin_sum;
  }
  /* Operations per thread depend on who freed what, so only their total is printed. */
  printf("threads=%d iterations=%ld bytes=%llu plugin=%016llx\n", thread_count, iterations,
         (unsigned long long)bytes, (unsigned long long)plugin_sum);
  printf("operations=%llu\n", (unsigned long long)operations);
  return 0;
}
