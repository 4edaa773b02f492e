// See native.c: the call window of a cgo call made inside a callback from a C thread closes when
// that cgo call returns.
package main

/*
void remember(const long *v);
long read_after_callback(void);
*/
import "C"

import (
	"fmt"
	"unsafe"
)

var lent []C.long

//export goLend
func goLend() {
	lent = make([]C.long, 4096)
	lent[1] = 7
	C.remember((*C.long)(unsafe.Pointer(&lent[0])))
}

func main() {
	fmt.Println("read", C.read_after_callback())
}
