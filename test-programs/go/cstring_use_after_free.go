// A C.CString freed with C.free and then read by C: heap-use-after-free with its allocation and
// free stacks.
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
package main

/*
#include <stdlib.h>
#include <string.h>

static size_t name_length(const char *s) {
	return strlen(s);
	// CHECK: ERROR: ffisan: heap-use-after-free
	// CHECK: READ of size 7
	// CHECK: #0 {{.*}} in strlen ({{.*}})
	// CHECK: #1 {{.*}} in name_length {{.*}}cstring_use_after_free.go:[[@LINE-4]]
	// CHECK: freed by thread
	// CHECK: previously allocated by thread
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	name := C.CString("gopher")
	C.free(unsafe.Pointer(name))
	fmt.Println(C.name_length(name))
}
