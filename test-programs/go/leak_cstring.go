// A Go program whose C.CString is never freed, and whose C.malloc'd buffer stays referenced from
// a live Go object (a heap struct reached from a Go global): at the leak check (called here the
// way Go's -asan runtime calls it at exit, through __lsan_do_leak_check) the string is a direct
// leak and the buffer is not. Go's heap is scanned precisely (its live objects and the live part
// of each goroutine's stack), so the dead frames greet and its cgo calls left on the goroutine's
// stack, which still hold the string's address, do not keep it. The allocation stack goes on past
// runtime.asmcgocall to the Go line of the C.CString (line 35: keep the CHECK below in step if the
// file moves). With Go's checks (default), without (--c-only), and at -O0.
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
// RUN: cd %t.dir && %ffisan go build '-gcflags=all=-N -l' -o %t.O0 %s && not %t.O0 2>&1 | FileCheck %s
// RUN: cd %t.dir && %ffisan go --c-only build -o %t.c %s && not %t.c 2>&1 | FileCheck %s
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

func main() {
	kept = &holder{next: &holder{buffer: C.malloc(64)}}
	greet()
	C.check_leaks()
}
// CHECK: ERROR: ffisan: detected memory leaks
// CHECK: Direct leak of 7 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 {{.*}} in malloc
// CHECK-NEXT: #1 {{.*}} in _cgo_{{.*}}_Cfunc__Cmalloc
// CHECK: in main._Cfunc_CString
// CHECK-NEXT: in main.greet {{.*}}leak_cstring.go:35
// CHECK-NEXT: in main.main {{.*}}leak_cstring.go
// CHECK-NOT: leak of 64
// CHECK: SUMMARY: ffisan: 7 byte(s) leaked in 1 allocation(s).
