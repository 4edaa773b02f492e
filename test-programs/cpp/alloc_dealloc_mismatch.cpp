// Chunks ended by the wrong family: malloc then delete, new[] then delete, new then free, new[]
// then realloc. Each is an alloc-dealloc-mismatch naming both sides, with the freeing stack and
// the allocation stack; alloc_dealloc_mismatch=0 turns the kind off (the chunk is freed).
// RUN: %ffisan_cxx -O0 %s -o %t0 && %ffisan_cxx -O2 %s -o %t2
// RUN: not %t0 malloc 2>&1 | FileCheck %s --check-prefix=MALLOC
// RUN: not %t2 malloc 2>&1 | FileCheck %s --check-prefix=MALLOC
// RUN: not %t0 array 2>&1 | FileCheck %s --check-prefix=ARRAY
// RUN: not %t2 array 2>&1 | FileCheck %s --check-prefix=ARRAY
// RUN: not %t0 free 2>&1 | FileCheck %s --check-prefix=FREE
// RUN: not %t2 free 2>&1 | FileCheck %s --check-prefix=FREE
// RUN: not %t0 realloc 2>&1 | FileCheck %s --check-prefix=REALLOC
// RUN: not %t2 realloc 2>&1 | FileCheck %s --check-prefix=REALLOC
// RUN: env FFISAN_OPTIONS=alloc_dealloc_mismatch=0 %t2 malloc 2>&1 | FileCheck %s --check-prefix=OFF --implicit-check-not=ffisan
// RUN: env FFISAN_OPTIONS=alloc_dealloc_mismatch=0 %t0 free 2>&1 | FileCheck %s --check-prefix=OFF --implicit-check-not=ffisan
#include <cstdio>
#include <cstdlib>
#include <cstring>

// Volatile, so the optimizer neither pairs nor drops the allocations and frees; no tail calls,
// so each function keeps its frame in the freeing stack at -O2.
char *volatile c_buffer;
int *volatile numbers;

__attribute__((noinline, disable_tail_calls)) static void malloc_then_delete() {
  c_buffer = static_cast<char *>(malloc(10));
  delete c_buffer;
  // MALLOC: ERROR: ffisan: alloc-dealloc-mismatch (malloc vs operator delete) on address [[ADDR:0x[0-9a-f]+]]
  // MALLOC: FREE at [[ADDR]] thread T0 (domain: c)
  // MALLOC-NEXT: #0 {{.*}} in operator delete(void*{{.*}})
  // MALLOC-NEXT: #1 {{.*}} in malloc_then_delete() {{.*}}alloc_dealloc_mismatch.cpp:[[@LINE-4]]
  // MALLOC: [[ADDR]] is located 0 bytes inside of 10-byte region
  // MALLOC: allocated by thread T0 here:
  // MALLOC-NEXT: #0 {{.*}} in malloc
  // MALLOC-NEXT: #1 {{.*}} in malloc_then_delete() {{.*}}alloc_dealloc_mismatch.cpp:[[@LINE-9]]
  // MALLOC: SUMMARY: ffisan: alloc-dealloc-mismatch {{.*}}alloc_dealloc_mismatch.cpp:[[@LINE-9]]:{{[0-9]+}} in malloc_then_delete()
  // MALLOC: HINT: {{.*}} FFISAN_OPTIONS=alloc_dealloc_mismatch=0
}

__attribute__((noinline, disable_tail_calls)) static void new_array_then_delete() {
  numbers = new int[4];
  delete numbers; // NOLINT: the bug under test
  // ARRAY: ERROR: ffisan: alloc-dealloc-mismatch (operator new [] vs operator delete) on address
  // ARRAY: #0 {{.*}} in operator delete(void*{{.*}})
  // ARRAY-NEXT: #1 {{.*}} in new_array_then_delete() {{.*}}alloc_dealloc_mismatch.cpp:[[@LINE-3]]
  // ARRAY: is located 0 bytes inside of 16-byte region
  // ARRAY: allocated by thread T0 here:
  // ARRAY-NEXT: #0 {{.*}} in operator new[](unsigned long)
  // ARRAY-NEXT: #1 {{.*}} in new_array_then_delete() {{.*}}alloc_dealloc_mismatch.cpp:[[@LINE-8]]
}

__attribute__((noinline, disable_tail_calls)) static void new_then_free() {
  numbers = new int(5);
  free(numbers);
  // FREE: ERROR: ffisan: alloc-dealloc-mismatch (operator new vs free) on address
  // FREE: #0 {{.*}} in free
  // FREE-NEXT: #1 {{.*}} in new_then_free() {{.*}}alloc_dealloc_mismatch.cpp:[[@LINE-3]]
  // FREE: is located 0 bytes inside of 4-byte region
  // FREE: allocated by thread T0 here:
  // FREE-NEXT: #0 {{.*}} in operator new(unsigned long)
  // FREE-NEXT: #1 {{.*}} in new_then_free() {{.*}}alloc_dealloc_mismatch.cpp:[[@LINE-8]]
}

__attribute__((noinline, disable_tail_calls)) static void new_array_then_realloc() {
  numbers = new int[3];
  numbers = static_cast<int *>(realloc(numbers, 64));
  // REALLOC: ERROR: ffisan: alloc-dealloc-mismatch (operator new [] vs free) on address
  // REALLOC: #0 {{.*}} in realloc
  // REALLOC-NEXT: #1 {{.*}} in new_array_then_realloc() {{.*}}alloc_dealloc_mismatch.cpp:[[@LINE-3]]
  // REALLOC: allocated by thread T0 here:
  // REALLOC-NEXT: #0 {{.*}} in operator new[](unsigned long)
}

int main(int argc, char **argv) {
  const char *which = argc > 1 ? argv[1] : "";
  if (!strcmp(which, "malloc"))
    malloc_then_delete();
  if (!strcmp(which, "array"))
    new_array_then_delete();
  if (!strcmp(which, "free"))
    new_then_free();
  if (!strcmp(which, "realloc"))
    new_array_then_realloc();
  puts("done");
  // OFF: done
  return 0;
}
