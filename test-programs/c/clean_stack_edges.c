// Locals used right up to their edges, legitimately, while they carry redzones: a pointer one past
// the end compared but not read, container_of from a member back to a local struct, a flexible
// array member in a local buffer, memcpy into a struct's tail, VLAs in a loop, longjmp out of
// frames with redzones (the frames left behind must not poison the next calls), and threads with
// small stacks doing the same. No report.
// RUN: %ffisan_cc -O0 %s -o %t -pthread && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cc -O2 %s -o %t -pthread && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct item {
  int key;
  char tag[7];
  long link;
};

struct message {
  int length;
  char body[];
};

struct header {
  int kind;
  char tail[9];
};

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

__attribute__((noinline)) int sum(const int *begin, const int *end) {
  int s = 0;
  for (const int *p = begin; p != end; p++) // `end` is one past the last: compared, never read
    s += *p;
  return s;
}

__attribute__((noinline)) struct item *owner(char *tag) { return container_of(tag, struct item, tag); }

__attribute__((noinline)) int vla_total(int rounds) {
  int total = 0;
  for (int n = 1; n <= rounds; n++) {
    int vla[n];
    for (int i = 0; i < n; i++)
      vla[i] = i;
    total += sum(vla, vla + n);
  }
  return total;
}

static jmp_buf back;

__attribute__((noinline)) void deep(int depth) {
  char buf[24];
  memset(buf, depth, sizeof buf);
  if (depth == 0)
    longjmp(back, 1);
  deep(depth - 1);
  buf[0]++;
}

__attribute__((noinline)) int edges(void) {
  int values[6] = {1, 2, 3, 4, 5, 6};
  int s = sum(values, values + 6);
  struct item items[2] = {{1, "one", 0}, {2, "two", 0}};
  s += owner(items[1].tag)->key;
  long storage[4];
  struct message *m = (struct message *)storage;
  m->length = 3;
  memcpy(m->body, "abc", 3);
  s += m->body[2];
  struct header h;
  memcpy(h.tail + 4, "tail", 5); // the struct's last 5 bytes
  s += (int)strlen(h.tail + 4);
  return s;
}

static void *worker(void *arg) {
  int *out = arg;
  *out = edges() + vla_total(20);
  return NULL;
}

int main(void) {
  int s = edges() + vla_total(20);
  for (int i = 0; i < 3; i++) {
    if (setjmp(back) == 0)
      deep(10);
    s += edges(); // reuses the fake frames the longjmp abandoned
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 << 10);
  pthread_t threads[2];
  int results[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&threads[i], &attr, worker, &results[i]);
  for (int i = 0; i < 2; i++) {
    pthread_join(threads[i], NULL);
    s += results[i];
  }
  printf("sum %d\n", s);
  // CHECK: sum {{[0-9]+}}
  return 0;
}
