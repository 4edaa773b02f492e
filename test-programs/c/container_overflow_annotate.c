// A C container annotating its own storage (__sanitizer_annotate_contiguous_container): a read
// past its used part is a container-overflow; __sanitizer_verify_contiguous_container agrees;
// arguments that describe no container stop the program with the call's stack.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t bad 2>&1 | FileCheck --check-prefix=BAD %s
// RUN: %ffisan_cc -O2 %s -o %t && env FFISAN_OPTIONS=detect_container_overflow=0 %t 2>&1 | FileCheck --check-prefix=OFF --implicit-check-not=ffisan %s
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>

struct buf {
  char *data;
  size_t len, cap;
};

static void buf_push(struct buf *b, char c) {
  __sanitizer_annotate_contiguous_container(b->data, b->data + b->cap, b->data + b->len,
                                            b->data + b->len + 1);
  b->data[b->len++] = c;
}

__attribute__((noinline)) char get(const struct buf *b, size_t i) { return b->data[i]; }

int main(int argc, char **argv) {
  struct buf b = {malloc(37), 0, 37};
  __sanitizer_annotate_contiguous_container(b.data, b.data + b.cap, b.data + b.cap, b.data);
  for (int i = 0; i < 11; i++)
    buf_push(&b, 'a' + i);
  if (argc > 1)
    __sanitizer_annotate_contiguous_container(b.data, b.data + b.cap, b.data + 40, b.data);
  // BAD: ffisan: error: bad parameters to __sanitizer_annotate_contiguous_container
  // BAD: #0 {{.*}} in __sanitizer_annotate_contiguous_container
  // BAD: #1 {{.*}} in main {{.*}}container_overflow_annotate.c:[[@LINE-3]]
  fprintf(stderr, "verify %d %d, last %c\n",
          __sanitizer_verify_contiguous_container(b.data, b.data + 11, b.data + 37),
          __sanitizer_verify_contiguous_container(b.data, b.data + 12, b.data + 37), get(&b, 10));
  // CHECK: verify 1 0, last k
  // OFF: verify 0 0, last k
  fprintf(stderr, "%c\n", get(&b, 12));
  // CHECK: ERROR: ffisan: container-overflow on address
  // CHECK: READ of size 1 at {{0x[0-9a-f]+}} thread T0
  // CHECK: #0 {{.*}} in get {{.*}}container_overflow_annotate.c:23
  // CHECK: #1 {{.*}} in main {{.*}}container_overflow_annotate.c:[[@LINE-4]]
  // CHECK: is located 12 bytes inside of 37-byte region
  // Unannotated again before the free, as a container's destructor does.
  __sanitizer_annotate_contiguous_container(b.data, b.data + b.cap, b.data + b.len, b.data + b.cap);
  free(b.data);
  return 0;
}
