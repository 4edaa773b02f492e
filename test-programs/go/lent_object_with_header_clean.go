// A Go object with a malloc header (a pointerful object of more than 512 bytes) lent to C in a
// slot the collector freed before: Go's -asan runtime leaves the header word poisoned, and the
// object must still be lent whole (no finding; it once was a cross-domain-access).
// REQUIRES: go
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: env CGO_CFLAGS=-O0 %ffisan go build -o %t.O0 %s && %t.O0 2>&1 | FileCheck --implicit-check-not=ffisan %s
// CHECK: sum 200000
package main

/*
static long sum(long *p, int n) {
	long s = 0;
	for (int i = 0; i < n; i++)
		s += p[i];
	return s;
}
*/
import "C"

import (
	"fmt"
	"runtime"
)

type withHeader struct {
	next *withHeader
	data [100]C.long
}

var keep []*withHeader

func fill(n int) {
	keep = make([]*withHeader, n)
	for i := range keep {
		keep[i] = &withHeader{}
		for j := range keep[i].data {
			keep[i].data[j] = 1
		}
	}
}

func main() {
	// First life: the slots are handed out, then freed (swept and poisoned, header included).
	fill(2000)
	keep = nil
	runtime.GC()
	runtime.GC()
	// Second life in the same slots: each object lent to C, which reads all of it.
	fill(2000)
	total := C.long(0)
	for _, o := range keep {
		total += C.sum(&o.data[0], C.int(len(o.data)))
	}
	fmt.Println("sum", total)
}
