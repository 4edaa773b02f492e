// Memory pinned with runtime.Pinner stays usable by C after the call that lent it, in later calls
// and from a C thread, until Unpin: no finding (ffisan reads Go's own pin bits).
// REQUIRES: go
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: env CGO_CFLAGS=-O0 %ffisan go build -o %t.O0 %s && %t.O0 2>&1 | FileCheck --implicit-check-not=ffisan %s
// CHECK: sums 28 28 56
package main

/*
#include <pthread.h>
static long *kept;
static int count;
static void keep(long *p, int n) { kept = p; count = n; }
static long total(void) {
	long s = 0;
	for (int i = 0; i < count; i++)
		s += kept[i];
	return s;
}
static void *doubler(void *arg) {
	for (int i = 0; i < count; i++)
		kept[i] *= 2;
	return 0;
}
static long total_after_c_thread(void) {
	pthread_t t;
	pthread_create(&t, 0, doubler, 0);
	pthread_join(t, 0);
	return total();
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

func main() {
	s := make([]int64, 8)
	for i := range s {
		s[i] = int64(i)
	}
	var pinner runtime.Pinner
	pinner.Pin(&s[0])
	C.keep((*C.long)(unsafe.Pointer(&s[0])), C.int(len(s)))
	runtime.GC()
	a := C.total()
	b := C.total()
	c := C.total_after_c_thread()
	pinner.Unpin()
	fmt.Println("sums", a, b, c)
}
