// Group checks that see a non-zero shadow without an error: fields of a struct laid over a string
// literal (read-only data, loads are fine), and the fields of 12-byte chunks whose second granule
// is partial (4 addressable bytes), 4- and 8-aligned. Nothing is reported.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

struct header {
  char magic[4];
  unsigned char version;
  unsigned char flags;
  unsigned short length;
};

struct triple {
  int a;
  int b;
  int c;
};

struct tagged {
  long value;
  int tag;
};

__attribute__((noinline)) long tagged_sum(const struct tagged *t) { return t->value + t->tag; }

__attribute__((noinline)) int read_header(const struct header *h) {
  return h->magic[0] + h->magic[3] + h->version + h->flags + h->length;
}

__attribute__((noinline)) void fill(struct triple *t, int v) {
  t->a = v;
  t->b = t->a + 1;
  t->c = t->b + 1;
}

__attribute__((noinline)) int sum(const struct triple *t) { return t->a + t->b + t->c; }

int main(void) {
  const struct header *h = (const struct header *)"FSAN\x02\x01\x10\x00";
  struct triple *t = malloc(sizeof *t);
  fill(t, 1);
  // Only the bytes up to the end of `tag` (padding cut off): 12 bytes.
  struct tagged *g = malloc(offsetof(struct tagged, tag) + sizeof(int));
  g->value = 40;
  g->tag = 2;
  // CHECK: header 167 sum 6 tagged 42
  printf("header %d sum %d tagged %ld\n", read_header(h), sum(t), tagged_sum(g));
  free(t);
  free(g);
  return 0;
}
