// Go code writing into the string literal a C function returned (read-only data): a
// write-to-readonly with domain go at the Go line, reported before the store (which would fault:
// `go build -asan` dies with a SEGV there, as does a plain build). Go's write bridge asks ffisan
// for the first unwritable byte (the pass points its call there), not whether the bytes are poisoned.
// REQUIRES: go, go-asan-interface
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
// RUN: cd %t.dir && %ffisan go build '-gcflags=all=-N -l' -o %t.O0 %s && not %t.O0 2>&1 | FileCheck %s
package main

/*
static const char *greeting(void) { return "hello, world"; }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	p := (*[13]byte)(unsafe.Pointer(C.greeting()))
	fmt.Println(string(p[:5]))
	p[0] = 'H'
	// CHECK-NOT: SEGV
	// CHECK: ERROR: ffisan: write-to-readonly on address [[ADDR:0x[0-9a-f]+]]
	// CHECK: WRITE of size 1 at [[ADDR]] thread T{{[0-9]+}} (domain: go)
	// CHECK: #0 {{.*}} in main.main {{.*}}go_side_write_to_readonly.go:[[@LINE-4]]
	// CHECK: SUMMARY: ffisan: write-to-readonly {{.*}}go_side_write_to_readonly.go:[[@LINE-5]] in main.main
	fmt.Println(string(p[:5]))
}
