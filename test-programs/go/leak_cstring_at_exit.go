// The check Go's -asan runtime runs itself when main.main returns (through __lsan_do_leak_check,
// with the main goroutine still running: Go's asancall keeps its stack pointer in a register while
// on the system stack). A C.CString dropped in a function main called is a direct leak, though its
// dead frame on the main goroutine's stack still holds the address; a C.malloc'd buffer a Go
// global's heap object points to is not. Only with Go's checks: under --c-only Go runs no check.
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
// RUN: cd %t.dir && %ffisan go build '-gcflags=all=-N -l' -o %t.O0 %s && not %t.O0 2>&1 | FileCheck %s
package main

// #include <stdlib.h>
// #include <string.h>
import "C"

import (
	"fmt"
	"unsafe"
)

type entry struct{ data unsafe.Pointer }

var table = map[string]*entry{}

//go:noinline
func label(n int) int {
	s := C.CString(fmt.Sprint("item-", n)) // never freed
	return int(C.strlen(s))
}

func main() {
	table["kept"] = &entry{data: C.malloc(100)}
	fmt.Println(label(7))
	// CHECK: 6
}
// CHECK: ERROR: ffisan: detected memory leaks
// CHECK: Direct leak of 7 byte(s) in 1 object(s) allocated from:
// CHECK: in main._Cfunc_CString
// CHECK-NEXT: in main.label {{.*}}leak_cstring_at_exit.go:25
// CHECK-NEXT: in main.main {{.*}}leak_cstring_at_exit.go:31
// CHECK-NOT: leak of 100
// CHECK: SUMMARY: ffisan: 7 byte(s) leaked in 1 allocation(s).
