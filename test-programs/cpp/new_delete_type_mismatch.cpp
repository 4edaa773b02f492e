// A sized or aligned delete that does not fit the chunk: a Derived deleted through a Base
// pointer without a virtual destructor (sized delete of the base's size), an over-aligned object
// deleted with plain delete, a plain one deleted with an aligned delete. Each is a
// new-delete-type-mismatch stating both sizes or alignments; new_delete_type_mismatch=0 turns
// the kind off.
// RUN: %ffisan_cxx -O0 %s -o %t0 && %ffisan_cxx -O2 %s -o %t2
// RUN: not %t0 size 2>&1 | FileCheck %s --check-prefix=SIZE
// RUN: not %t2 size 2>&1 | FileCheck %s --check-prefix=SIZE
// RUN: not %t0 aligned 2>&1 | FileCheck %s --check-prefix=ALIGNED
// RUN: not %t2 aligned 2>&1 | FileCheck %s --check-prefix=ALIGNED
// RUN: not %t0 plain 2>&1 | FileCheck %s --check-prefix=PLAIN
// RUN: not %t2 plain 2>&1 | FileCheck %s --check-prefix=PLAIN
// RUN: env FFISAN_OPTIONS=new_delete_type_mismatch=0 %t2 size 2>&1 | FileCheck %s --check-prefix=OFF --implicit-check-not=ffisan
#include <cstdio>
#include <cstring>
#include <new>

struct Base {
  int tag;
};
struct Derived : Base {
  long extra[2];
};
struct alignas(64) Wide {
  char bytes[64];
};

Base *volatile base;
void *volatile raw;

__attribute__((noinline, disable_tail_calls)) static void delete_through_base() {
  base = new Derived;
  delete base;
  // SIZE: ERROR: ffisan: new-delete-type-mismatch on address [[ADDR:0x[0-9a-f]+]]
  // SIZE: FREE at [[ADDR]] thread T0 (domain: c)
  // SIZE-NEXT: object passed to delete has wrong type:
  // SIZE-NEXT: size of the allocated type:   24 bytes;
  // SIZE-NEXT: size of the deallocated type: 4 bytes.
  // SIZE-NEXT: #0 {{.*}} in operator delete(void*, unsigned long)
  // SIZE-NEXT: #1 {{.*}} in delete_through_base() {{.*}}new_delete_type_mismatch.cpp:[[@LINE-7]]
  // SIZE: [[ADDR]] is located 0 bytes inside of 24-byte region
  // SIZE: allocated by thread T0 here:
  // SIZE-NEXT: #0 {{.*}} in operator new(unsigned long)
  // SIZE-NEXT: #1 {{.*}} in delete_through_base() {{.*}}new_delete_type_mismatch.cpp:[[@LINE-12]]
  // SIZE: SUMMARY: ffisan: new-delete-type-mismatch {{.*}}new_delete_type_mismatch.cpp:[[@LINE-12]]:{{[0-9]+}} in delete_through_base()
  // SIZE: HINT: {{.*}} FFISAN_OPTIONS=new_delete_type_mismatch=0
}

__attribute__((noinline, disable_tail_calls)) static void aligned_new_plain_delete() {
  raw = operator new(sizeof(Wide), std::align_val_t(alignof(Wide)));
  operator delete(raw);
  // ALIGNED: ERROR: ffisan: new-delete-type-mismatch on address
  // ALIGNED-NEXT: FREE at
  // ALIGNED-NEXT: object passed to delete has wrong type:
  // ALIGNED-NEXT: alignment of the allocated type:   64 bytes;
  // ALIGNED-NEXT: alignment of the deallocated type: default-aligned.
  // ALIGNED-NEXT: #0 {{.*}} in operator delete(void*)
  // ALIGNED-NEXT: #1 {{.*}} in aligned_new_plain_delete() {{.*}}new_delete_type_mismatch.cpp:[[@LINE-7]]
  // ALIGNED: allocated by thread T0 here:
  // ALIGNED-NEXT: #0 {{.*}} in operator new(unsigned long, std::align_val_t)
}

__attribute__((noinline, disable_tail_calls)) static void plain_new_aligned_delete() {
  raw = operator new(sizeof(Wide));
  operator delete(raw, sizeof(Wide), std::align_val_t(alignof(Wide)));
  // PLAIN: ERROR: ffisan: new-delete-type-mismatch on address
  // PLAIN-NEXT: FREE at
  // PLAIN-NEXT: object passed to delete has wrong type:
  // PLAIN-NEXT: size of the allocated type:   64 bytes;
  // PLAIN-NEXT: size of the deallocated type: 64 bytes.
  // PLAIN-NEXT: alignment of the allocated type:   default-aligned;
  // PLAIN-NEXT: alignment of the deallocated type: 64 bytes.
  // PLAIN-NEXT: #0 {{.*}} in operator delete(void*, unsigned long, std::align_val_t)
  // PLAIN-NEXT: #1 {{.*}} in plain_new_aligned_delete() {{.*}}new_delete_type_mismatch.cpp:[[@LINE-9]]
}

int main(int argc, char **argv) {
  const char *which = argc > 1 ? argv[1] : "";
  if (!strcmp(which, "size"))
    delete_through_base();
  if (!strcmp(which, "aligned"))
    aligned_new_plain_delete();
  if (!strcmp(which, "plain"))
    plain_new_aligned_delete();
  puts("done");
  // OFF: done
  return 0;
}
