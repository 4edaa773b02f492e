// C.free of Go memory: an invalid-free naming the managed region, not a crash inside glibc.
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
package main

// #include <stdlib.h>
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	buf := make([]byte, 1<<16)
	buf[0] = 1
	C.free(unsafe.Pointer(&buf[0]))
	// CHECK: ERROR: ffisan: invalid-free on address {{0x[0-9a-f]+}}
	// CHECK: located in the managed region go-heap
	// CHECK: SUMMARY: ffisan: invalid-free
	fmt.Println("not reached")
}
