// Not a memory error ffisan sees: Go code (not instrumented) stores a Go pointer into C memory,
// which the cgo rules forbid; GOEXPERIMENT=cgocheck2 checks Go's pointer writes.
package main

// #include <stdlib.h>
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	slot := (*unsafe.Pointer)(C.malloc(8))
	x := new(int)
	*slot = unsafe.Pointer(x)
	fmt.Println("stored")
}
