// Go code reading a Go object through a pointer it kept in C memory (which the collector does not
// scan) past the collection that freed it, under
// `ffisan go build -asan` (Go's sweeper poisons each object it frees): a heap-use-after-free in
// go-heap, "freed by the garbage collector", domain go, at the Go line. go build -asan says
// use-after-poison.
// REQUIRES: go, go-asan-interface
// With its neighbours alive the collector frees its slot (64 bytes and Go's 32-byte redzone);
// alone in its span, the whole span (most runs: the runtime's own 96-byte objects may share it).
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -asan -o %t %s
// RUN: not %t slot 2>&1 | FileCheck %s --check-prefixes=CHECK,SLOT
// RUN: not %t span 2>&1 | FileCheck %s --check-prefixes=CHECK,SPAN
// RUN: cd %t.dir && %ffisan go build -asan '-gcflags=all=-N -l' -o %t.O0 %s
// RUN: not %t.O0 slot 2>&1 | FileCheck %s --check-prefixes=CHECK,SLOT
// RUN: not %t.O0 span 2>&1 | FileCheck %s --check-prefixes=CHECK,SPAN
package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"
)

//go:noinline
func keepInC(slot *unsafe.Pointer) {
	p := new([64]byte)
	p[1] = 7
	*slot = unsafe.Pointer(p)
}

var neighbours []*[64]byte

func main() {
	slot := (*unsafe.Pointer)(C.malloc(8))
	if os.Args[1] == "slot" {
		for i := 0; i < 4; i++ {
			neighbours = append(neighbours, new([64]byte))
		}
	}
	keepInC(slot)
	if os.Args[1] == "slot" {
		for i := 0; i < 4; i++ {
			neighbours = append(neighbours, new([64]byte))
		}
	}
	runtime.GC()
	runtime.GC()
	p := (*[64]byte)(*slot)
	fmt.Println(p[1])
	// CHECK: ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]]
	// CHECK: READ of size 1 at [[ADDR]] thread T{{[0-9]+}} (domain: go)
	// CHECK: #0 {{.*}} in main.main {{.*}}go_side_use_after_gc.go:[[@LINE-3]]
	// SLOT: [[ADDR]] is located 1 bytes inside of the 96-byte Go object [0x{{[0-9a-f]+}},0x{{[0-9a-f]+}}), freed by the garbage collector
	// SPAN: [[ADDR]] is located 1 bytes inside of the {{8192-byte Go heap span|96-byte Go object}} [0x{{[0-9a-f]+}},0x{{[0-9a-f]+}}), freed by the garbage collector
	// CHECK: located in the managed region go-heap
	// CHECK: SUMMARY: ffisan: heap-use-after-free {{.*}}go_side_use_after_gc.go:[[@LINE-7]] in main.main
}
