// Not a memory error ffisan sees: Go passes C an unsafe.Pointer to memory that holds Go pointers (a
// map header), which the cgo rules forbid. cgocheck=1 checks exactly this at the call.
package main

/*
static const void *kept;
static void keep(const void *p) { kept = p; }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

var prices = map[string]int{"a": 1}

func main() {
	C.keep(*(*unsafe.Pointer)(unsafe.Pointer(&prices)))
	fmt.Println("passed")
}
