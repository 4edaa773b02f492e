// __asan_report_error called by hand from C in a cgo program: the report's domain is the caller's
// (the pc it passes lies in C code), not "go" because the program is a Go program. Go's own
// bridge passes Go pcs (go_side_use_after_free_c_heap.go: domain go).
// REQUIRES: go, go-asan-interface
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
// CHECK: ERROR: ffisan: heap-use-after-free on address
// CHECK: READ of size 1 at {{0x[0-9a-f]+}} thread T{{[0-9]+}} (domain: c)
// CHECK: SUMMARY: ffisan: heap-use-after-free
package main

/*
#include <stdlib.h>
#include <sanitizer/asan_interface.h>

static void report_stale(void) {
	char *p = malloc(8);
	free(p);
	__asan_report_error((void *)&report_stale, 0, 0, p, 0, 1);
}
*/
import "C"

func main() {
	C.report_stale()
}
