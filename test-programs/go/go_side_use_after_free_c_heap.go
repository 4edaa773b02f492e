// Go code's own read of a C chunk after C.free, under `ffisan go build -asan` (Go's compiler calls
// __asan_read_go before the load): a heap-use-after-free in the C heap, domain go, at the Go line.
// REQUIRES: go, go-asan-interface
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -asan -o %t %s && not %t 2>&1 | FileCheck %s
// RUN: cd %t.dir && %ffisan go build -asan '-gcflags=all=-N -l' -o %t.O0 %s && not %t.O0 2>&1 | FileCheck %s
package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	p := C.malloc(8)
	C.free(p)
	b := (*[8]byte)(unsafe.Pointer(p))
	fmt.Println(b[3])
	// CHECK: ERROR: ffisan: heap-use-after-free on address
	// CHECK: READ of size 1 at {{0x[0-9a-f]+}} thread T0 (domain: go)
	// CHECK: #0 {{.*}} in main.main {{.*}}go_side_use_after_free_c_heap.go:[[@LINE-3]]
	// CHECK: is located 3 bytes inside of 8-byte region {{.*}} in the C heap
	// CHECK: freed by thread T0 here:
	// CHECK: previously allocated by thread T0 here:
	// CHECK: SUMMARY: ffisan: heap-use-after-free {{.*}}go_side_use_after_free_c_heap.go:[[@LINE-7]] in main.main
}
