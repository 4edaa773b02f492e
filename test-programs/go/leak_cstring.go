// A Go program whose C.CString is never freed, and whose C.malloc'd buffer stays referenced from
// a live Go object (a heap struct reached from a Go global): at the leak check (called here the
// way Go's -asan runtime calls it at exit, through __lsan_do_leak_check) the string is a direct
// leak and the buffer is not, the Go heap being scanned as a root. Go's own threads are stopped
// for the check. The allocation stack goes on past runtime.asmcgocall to the Go line of the
// C.CString (line 34: keep the CHECK below in step if the file moves).
// --c-only: with Go's checks on (-asan) Go registers every heap mapping it makes as a leak-check
// root region, and the leaked string is then found through stale words in Go memory (not reported;
// the same on main with `ffisan go build -asan`): Go's -asan leak cases are #25's, not this test's.
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go --c-only build -o %t %s && not %t 2>&1 | FileCheck %s
package main

/*
#include <stdlib.h>
#include <sanitizer/lsan_interface.h>
static void check_leaks(void) { __lsan_do_leak_check(); }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

type holder struct {
	buffer unsafe.Pointer
	next   *holder
}

var kept *holder

//go:noinline
func greet() {
	name := C.CString("gopher") // never freed
	fmt.Println(len(C.GoString(name)))
	// CHECK: 6
}

// Go zeroes every local: this overwrites the dead frames greet and its cgo call left on the
// goroutine's stack (part of the Go heap, which is scanned whole).
//
//go:noinline
func wipe() int {
	var buf [8192]byte
	for i := range buf {
		buf[i] = byte(i)
	}
	return int(buf[100])
}

func main() {
	kept = &holder{next: &holder{buffer: C.malloc(64)}}
	greet()
	wipe()
	C.check_leaks()
}
// CHECK: ERROR: ffisan: detected memory leaks
// CHECK: Direct leak of 7 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 {{.*}} in malloc
// CHECK-NEXT: #1 {{.*}} in _cgo_{{.*}}_Cfunc__Cmalloc
// CHECK: in main._Cfunc_CString
// CHECK-NEXT: in main.greet {{.*}}leak_cstring.go:34
// CHECK-NEXT: in main.main {{.*}}leak_cstring.go
// CHECK-NOT: leak of 64
// CHECK: SUMMARY: ffisan: 7 byte(s) leaked in 1 allocation(s).
