// Every stack of a cgo program's report goes on past runtime.asmcgocall into the Go functions that
// made the cgo call, with Go file:line: the access (C reads a C.CString after C.free), the free
// (C.free in main.forget) and the allocation (C.CString in main.remember); JSON and SARIF carry them,
// and `ffisan report` locates the C.free of Go memory at the Go line, not in cgo's glue.
// REQUIRES: go
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s
// RUN: rm -f %t.json && env FFISAN_OPTIONS=json_path=%t.json not %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out && FileCheck --check-prefix=NAME %s < %t.out && FileCheck --check-prefix=ALLOC %s < %t.out
// RUN: FileCheck --check-prefix=FREED %s < %t.out && FileCheck --check-prefix=ACCESS %s < %t.out
// RUN: FileCheck --check-prefix=JSON %s < %t.json
// At -O0 (the C side) the same frames:
// RUN: env CGO_CFLAGS=-O0 %ffisan go build -o %t.O0 %s && not %t.O0 > %t.O0.out 2>&1
// RUN: FileCheck %s < %t.O0.out && FileCheck --check-prefix=NAME %s < %t.O0.out && FileCheck --check-prefix=ALLOC %s < %t.O0.out
// RUN: FileCheck --check-prefix=FREED %s < %t.O0.out && FileCheck --check-prefix=ACCESS %s < %t.O0.out
// C.malloc and C.free of Go memory, through `ffisan report`:
// RUN: rm -f %t.free.json && env FFISAN_OPTIONS=json_path=%t.free.json not %t free 2>&1 | FileCheck --check-prefix=FREE %s
// RUN: not %ffisan report %t.free.json | FileCheck --check-prefix=REPORT %s
// RUN: not %ffisan report --sarif %t.sarif %t.free.json && FileCheck --check-prefix=SARIF %s < %t.sarif
// SARIF: "name": "main.freeGoMemory"
package main

/*
#include <stdlib.h>
#include <string.h>

// NAME: #0 {{.*}} in strlen ({{.*}}libc.so.6+
static size_t name_length(const char *s) {
	return strlen(s); // NAME: #1 {{.*}} in name_length {{.*}}go_frames_in_stacks.go:[[@LINE]]
}
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"
)

// ACCESS: ERROR: ffisan: heap-use-after-free
// ACCESS: in runtime.asmcgocall
// FREED: freed by thread
// FREED: in runtime.asmcgocall
// ALLOC: previously allocated by thread
// ALLOC: in runtime.asmcgocall
func remember(name string) *C.char {
	return C.CString(name) // ALLOC: #{{[0-9]+}} {{.*}} in main.remember {{.*}}go_frames_in_stacks.go:[[@LINE]]
}

func forget(p *C.char) {
	C.free(unsafe.Pointer(p)) // FREED: #{{[0-9]+}} {{.*}} in main.forget {{.*}}go_frames_in_stacks.go:[[@LINE]]
}

func use(p *C.char) int {
	return int(C.name_length(p)) // ACCESS: #{{[0-9]+}} {{.*}} in main.use {{.*}}go_frames_in_stacks.go:[[@LINE]]
}
// ACCESS: freed by thread
// FREED: previously allocated by thread
func freeGoMemory() {
	buf := make([]byte, 64)
	p := C.malloc(16)
	C.free(p)
	C.free(unsafe.Pointer(&buf[0])) // FREE: #{{[0-9]+}} {{.*}} in main.freeGoMemory {{.*}}go_frames_in_stacks.go:[[@LINE]]
	// FREE: SUMMARY: ffisan: invalid-free {{.*}}go_frames_in_stacks.go:[[@LINE-1]] in main.freeGoMemory
	// REPORT: go_frames_in_stacks.go:[[@LINE-2]] (1x): free in the managed heap
}

func main() {
	if len(os.Args) > 1 {
		freeGoMemory()
		return
	}
	name := remember("gopher")
	forget(name)
	fmt.Println(use(name))
}

// CHECK: ERROR: ffisan: heap-use-after-free
// CHECK: freed by thread
// CHECK: previously allocated by thread
// CHECK: SUMMARY: ffisan: heap-use-after-free

// JSON: "kind":"heap-use-after-free"
// JSON-SAME: "function":"main.use"
// JSON-SAME: "alloc_stack"
// JSON-SAME: "function":"main.remember"
// JSON-SAME: "free_stack"
// JSON-SAME: "function":"main.forget"
