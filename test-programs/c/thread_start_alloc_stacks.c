// Chunks a thread's start routine allocates and frees, directly (lines 18, 20) and one call down
// (lines 21 and 14, 22), each site twice: the second time the frame-pointer walk or a remembered
// chain names the stack, not the unwinder. Each stack names the program's frames in order, and
// never the runtime's own thread start, from which the routine is called. And the start routine's
// 2000 mallocs and frees at two more sites (line 24) are named by remembered chains, not walked
// each time (fewer than 100 walks in the whole run; every one was walked when the runtime's thread
// start made the unwinder and the frame-pointer walk disagree about the frames below the routine).
// RUN: %ffisan_cc -O1 %s -o %t -pthread
// RUN: env FFISAN_OPTIONS=halt_on_error=0 not %t 2>&1 | FileCheck %s
// RUN: env FFISAN_OPTIONS=halt_on_error=0:verbosity=2 not %t 2>&1 | FileCheck --check-prefix=WALKS %s
// WALKS: ffisan: {{[0-9][0-9]?}} allocation and free stacks walked
#include <pthread.h>
#include <stdlib.h>
__attribute__((noinline)) static char *make(void) { char *p = malloc(24); __asm__ volatile("" : "+r"(p)); return p; }
static char *chunks[4];
static void *worker(void *arg) {
  for (int i = 0; i < 2; i++) {
    chunks[i] = malloc(24);
    __asm__ volatile("" : : "r"(chunks[i]) : "memory");
    free(chunks[i]);
    chunks[2 + i] = make();
    free(chunks[2 + i]);
  }
  for (int i = 0; i < 1000; i++) { char *p = malloc(40); __asm__ volatile("" : "+r"(p)); free(p); }
  return arg;
}

// One reader per chunk: recover mode reports each pc once.
#define READER(n) \
  __attribute__((noinline)) static int read##n(void) { return chunks[n][1]; }
READER(0) READER(1) READER(2) READER(3)

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, NULL);
  return read0() + read1() + read2() + read3();
}
// CHECK: heap-use-after-free
// CHECK: #0 {{.*}} in read0
// CHECK: freed by thread T1 here:
// CHECK-NEXT: #0 {{.*}} in free
// CHECK-NEXT: #1 {{.*}} in worker {{.*}}thread_start_alloc_stacks.c:20
// CHECK-NOT: libffisan_rt
// CHECK: previously allocated by thread T1 here:
// CHECK-NEXT: #0 {{.*}} in malloc
// CHECK-NEXT: #1 {{.*}} in worker {{.*}}thread_start_alloc_stacks.c:18
// CHECK-NOT: libffisan_rt
// CHECK: SUMMARY
// CHECK: #0 {{.*}} in read1
// CHECK: freed by thread T1 here:
// CHECK-NEXT: #0 {{.*}} in free
// CHECK-NEXT: #1 {{.*}} in worker {{.*}}thread_start_alloc_stacks.c:20
// CHECK-NOT: libffisan_rt
// CHECK: previously allocated by thread T1 here:
// CHECK-NEXT: #0 {{.*}} in malloc
// CHECK-NEXT: #1 {{.*}} in worker {{.*}}thread_start_alloc_stacks.c:18
// CHECK-NOT: libffisan_rt
// CHECK: SUMMARY
// CHECK: #0 {{.*}} in read2
// CHECK: freed by thread T1 here:
// CHECK-NEXT: #0 {{.*}} in free
// CHECK-NEXT: #1 {{.*}} in worker {{.*}}thread_start_alloc_stacks.c:22
// CHECK-NOT: libffisan_rt
// CHECK: previously allocated by thread T1 here:
// CHECK-NEXT: #0 {{.*}} in malloc
// CHECK-NEXT: #1 {{.*}} in make {{.*}}thread_start_alloc_stacks.c:14
// CHECK-NEXT: #2 {{.*}} in worker {{.*}}thread_start_alloc_stacks.c:21
// CHECK-NOT: libffisan_rt
// CHECK: SUMMARY
// CHECK: #0 {{.*}} in read3
// CHECK: previously allocated by thread T1 here:
// CHECK-NEXT: #0 {{.*}} in malloc
// CHECK-NEXT: #1 {{.*}} in make {{.*}}thread_start_alloc_stacks.c:14
// CHECK-NEXT: #2 {{.*}} in worker {{.*}}thread_start_alloc_stacks.c:21
// CHECK-NOT: libffisan_rt
// CHECK: SUMMARY
// CHECK: ffisan: 4 findings: heap-use-after-free 4
