// With halt_on_error=0 a mismatch is reported and the chunk is freed all the same (as ASan
// does): a later read is a heap-use-after-free. A std::thread does the bad delete (the freeing
// path of a process with threads), and json_path gets both families, and for a sized delete both
// sizes. The exit status is exitcode's.
// RUN: %ffisan_cxx -O0 %s -o %t -pthread && %ffisan_cxx -O2 %s -o %t2 -pthread
// RUN: rm -f %t.json && env FFISAN_OPTIONS=halt_on_error=0:json_path=%t.json not %t 2> %t.txt
// RUN: FileCheck %s < %t.txt && FileCheck %s --check-prefix=JSON < %t.json
// RUN: rm -f %t.json && env FFISAN_OPTIONS=halt_on_error=0:json_path=%t.json not %t2 2> %t.txt
// RUN: FileCheck %s < %t.txt && FileCheck %s --check-prefix=JSON < %t.json
#include <cstdio>
#include <cstdlib>
#include <thread>

struct Small {
  int a;
};
struct Big : Small {
  int b[7];
};

char *volatile buffer;
Small *volatile object;

int main() {
  buffer = static_cast<char *>(malloc(16));
  std::thread([] { delete buffer; }).join();
  // CHECK: ERROR: ffisan: alloc-dealloc-mismatch (malloc vs operator delete) on address
  // CHECK: FREE at {{.*}} thread T1 (domain: c)
  // JSON: "kind":"alloc-dealloc-mismatch","access":"free","size":16
  // JSON-SAME: "allocated_by":"malloc","freed_by":"operator delete"
  object = new Big;
  delete object;
  // CHECK: ERROR: ffisan: new-delete-type-mismatch on address
  // CHECK: size of the allocated type:   32 bytes;
  // CHECK-NEXT: size of the deallocated type: 4 bytes.
  // JSON: "kind":"new-delete-type-mismatch"
  // JSON-SAME: "allocated_size":32,"deallocated_size":4,"allocated_alignment":0,"deallocated_alignment":0
  printf("%d\n", buffer[3]);
  // CHECK: ERROR: ffisan: heap-use-after-free on address
  // CHECK: #0 {{.*}} in main {{.*}}mismatch_recover_json.cpp:[[@LINE-2]]
  // CHECK: freed by thread T1 here:
  // JSON: "kind":"heap-use-after-free"
  return 0;
}
// CHECK: ffisan: 3 findings: heap-use-after-free 1, alloc-dealloc-mismatch 1, new-delete-type-mismatch 1
