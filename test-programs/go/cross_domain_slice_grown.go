// Seed-article scenario: C keeps a pointer to a slice's backing array past the call; Go then grows
// the slice (append moves it to a new array, the old one becomes garbage and the GC may reuse it) and
// C reads the stale array later from its own thread. With Go's checks on (the default) the swept
// array is known freed: heap-use-after-free in go-heap, "freed by the garbage collector". With
// --c-only (no -asan, so no Go poison) it is a cross-domain-access on the go-heap, with the C stack,
// even though the old array may have been swept (ASan would need the sweep; cgocheck never sees it).
// REQUIRES: go
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s --check-prefixes=CHECK,GO
// RUN: %ffisan go --c-only build -o %t.c %s && not %t.c 2>&1 | FileCheck %s --check-prefixes=CHECK,CONLY
package main

/*
#include <pthread.h>

static const long *kept;
static int kept_len;

static void keep(const long *v, int n) { kept = v; kept_len = n; }

static void *sum_kept(void *out) {
	long s = 0;
	for (int i = 0; i < kept_len; i++)
		s += kept[i];
	// GO: ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]]
	// CONLY: ERROR: ffisan: cross-domain-access on address [[ADDR:0x[0-9a-f]+]]
	// CHECK-NEXT: READ of size {{[0-9]+}} at [[ADDR]] thread T{{[1-9][0-9]*}} (domain: c)
	// CHECK-NEXT: #0 {{.*}} in sum_kept {{.*}}cross_domain_slice_grown.go:[[@LINE-4]]
	// GO: [[ADDR]] is located {{[0-9]+}} bytes inside of the {{[0-9]+}}-byte Go {{object|heap span}} [0x{{[0-9a-f]+}},0x{{[0-9a-f]+}}), freed by the garbage collector
	// CHECK: located in the managed region go-heap [0x{{[0-9a-f]+}},0x{{[0-9a-f]+}}) (call window: closed)
	// GO: SUMMARY: ffisan: heap-use-after-free {{.*}}cross_domain_slice_grown.go:[[@LINE-7]]:{{[0-9]+}} in sum_kept
	// CONLY: SUMMARY: ffisan: cross-domain-access {{.*}}cross_domain_slice_grown.go:[[@LINE-8]]:{{[0-9]+}} in sum_kept
	*(long *)out = s;
	return 0;
}

static long sum_kept_from_thread(void) {
	long s = 0;
	pthread_t t;
	pthread_create(&t, 0, sum_kept, &s);
	pthread_join(t, 0);
	return s;
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"
)

func main() {
	s := make([]C.long, 0, 1024)
	for i := 0; i < 1024; i++ {
		s = append(s, C.long(i))
	}
	C.keep((*C.long)(unsafe.Pointer(&s[0])), C.int(len(s)))
	for i := 0; i < 1<<16; i++ {
		s = append(s, 1) // reallocates: C's pointer now names the old, unreachable array
	}
	// `nogc`: leave the old array unswept (compare-tools.sh: what `go build -asan` sees then).
	if len(os.Args) < 2 || os.Args[1] != "nogc" {
		runtime.GC()
		runtime.GC()
	}
	fmt.Println("sum", C.sum_kept_from_thread(), "len", len(s))
	// CHECK-NOT: {{^}}sum
}
