// <sanitizer/allocator_interface.h>: sizes and ownership of chunks, and malloc/free hooks, both
// installed ones and the program's own __sanitizer_malloc_hook/__sanitizer_free_hook.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <sanitizer/allocator_interface.h>
#include <stdio.h>
#include <stdlib.h>

static void *watched;
static int installed_mallocs, installed_frees, own_mallocs, own_frees;

static void on_malloc(const volatile void *p, size_t size) {
  if (p == watched || size == 12345)
    installed_mallocs++;
}
static void on_free(const volatile void *p) {
  if (p == watched)
    installed_frees++;
}
void __sanitizer_malloc_hook(const volatile void *p, size_t size) {
  if (size == 12345)
    own_mallocs++;
  (void)p;
}
void __sanitizer_free_hook(const volatile void *p) {
  if (p == watched)
    own_frees++;
}

int main(void) {
  int x;
  char *p = malloc(100);
  printf("size %zu ownership %d interior %d stack %d freed-size ",
         __sanitizer_get_allocated_size(p), __sanitizer_get_ownership(p),
         __sanitizer_get_ownership(p + 1), __sanitizer_get_ownership(&x));
  printf("begin %d estimated %zu\n", __sanitizer_get_allocated_begin(p + 50) == p,
         __sanitizer_get_estimated_allocated_size(100));
  free(p);
  printf("after free: ownership %d size %zu\n", __sanitizer_get_ownership(p),
         __sanitizer_get_allocated_size(p));
  // CHECK: size 100 ownership 1 interior 0 stack 0 freed-size begin 1 estimated 100
  // CHECK: after free: ownership 0 size 0
  printf("install: %d\n", __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free));
  // CHECK: install: 1
  watched = malloc(12345);
  free(watched);
  printf("installed hooks %d %d, own hooks %d %d\n", installed_mallocs, installed_frees,
         own_mallocs, own_frees);
  // CHECK: installed hooks 1 1, own hooks 1 1
  return 0;
}
