// Functions that call setjmp keep their locals in a fake frame with redzones (entered at the entry
// block, never lazily): locals used after the longjmp came back, a longjmp across several frames
// that each have redzoned locals, siglongjmp out of a signal handler, a million rounds in bounded
// memory, and threads doing it at once. No report.
// RUN: %ffisan_cc -O0 %s -o %t -lpthread && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t -lpthread && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O3 %s -o %t -lpthread && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

__attribute__((noinline)) static void consume(char *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

// Each level has a local reached at a variable index: it has redzones, so it is in a fake frame
// that the longjmp abandons.
__attribute__((noinline)) static int level(jmp_buf *back, int depth, int code) {
  char buf[40];
  for (int i = 0; i < 40; i++)
    buf[i] = (char)(depth + i);
  consume(buf);
  if (depth == 0)
    longjmp(*back, code);
  return level(back, depth - 1, code) + buf[depth % 40];
}

// The setjmp function's own locals: a name reached at a variable index and a counter kept across
// the jump with volatile, as C requires of a local changed between setjmp and longjmp.
__attribute__((noinline)) static int guarded(int depth, int n) {
  jmp_buf back;
  char name[24];
  volatile int tries = 0;
  for (int i = 0; i < n; i++)
    name[i] = (char)('a' + i);
  if (setjmp(back) < 3) {
    tries++;
    level(&back, depth, tries);
  }
  int s = tries;
  for (int i = 0; i < n; i++) // every byte of the frame's object, after three jumps came back
    s += name[i] - 'a';
  return s;
}

static sigjmp_buf from_handler;

static void on_usr1(int sig) {
  char note[32];
  snprintf(note, sizeof note, "signal %d", sig);
  consume(note);
  siglongjmp(from_handler, 1);
}

__attribute__((noinline)) static int deep_raise(int depth) {
  char buf[48];
  memset(buf, depth, sizeof buf);
  consume(buf);
  if (depth == 0)
    raise(SIGUSR1);
  return deep_raise(depth - 1) + buf[depth % 48];
}

__attribute__((noinline)) static int via_signal(int n) {
  char kept[16];
  for (int i = 0; i < n; i++)
    kept[i] = (char)i;
  if (sigsetjmp(from_handler, 1) == 0)
    deep_raise(6);
  int s = 0;
  for (int i = 0; i < n; i++)
    s += kept[i];
  return s;
}

static long max_rss_kib(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

static void *worker(void *arg) {
  long s = 0;
  for (int round = 0; round < 20000; round++)
    s += guarded(round % 5, 24);
  *(long *)arg = s;
  return NULL;
}

int main(void) {
  signal(SIGUSR1, on_usr1);
  printf("kept %d\n", guarded(8, 24));
  // CHECK: kept 279
  printf("signal %d\n", via_signal(16));
  // CHECK: signal 120
  long s = 0, rss_start = 0;
  for (int round = 0; round < 1000000; round++) {
    s += guarded(round & 3, 24);
    if (round == 1000)
      rss_start = max_rss_kib();
  }
  long growth = max_rss_kib() - rss_start;
  printf("rounds %ld, rss growth %s\n", s, growth < 8192 ? "bounded" : "unbounded");
  // CHECK: rounds 279000000, rss growth bounded
  pthread_t threads[4];
  long sums[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&threads[i], NULL, worker, &sums[i]);
  for (int i = 0; i < 4; i++)
    pthread_join(threads[i], NULL);
  printf("threads %ld %ld %ld %ld\n", sums[0], sums[1], sums[2], sums[3]);
  // CHECK: threads 5580000 5580000 5580000 5580000
  return 0;
}
