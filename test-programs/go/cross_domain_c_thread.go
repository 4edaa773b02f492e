// C keeps a pointer to a Go slice past the cgo call and reads it from its own thread, where no call
// window is open: cross-domain-access naming the go-heap region.
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
package main

/*
#include <pthread.h>

static int *saved;

static void keep(int *p) { saved = p; }

static void *reader(void *arg) {
	long s = 0;
	for (int i = 0; i < 4; i++)
		s += saved[i];
	// CHECK: ERROR: ffisan: cross-domain-access on address {{0x[0-9a-f]+}}
	// CHECK: READ of size 4 at {{0x[0-9a-f]+}} thread T{{[1-9][0-9]*}} (domain: c)
	// CHECK: #0 {{.*}} in reader {{.*}}cross_domain_c_thread.go:[[@LINE-3]]
	// CHECK: located in the managed region go-heap [0x{{[0-9a-f]+}},0x{{[0-9a-f]+}}) (call window: closed)
	return (void *)s;
}

static long read_from_thread(void) {
	pthread_t t;
	void *r;
	pthread_create(&t, 0, reader, 0);
	pthread_join(t, &r);
	return (long)r;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

func main() {
	data := make([]C.int, 1<<16) // large: surely on the Go heap
	for i := range data {
		data[i] = C.int(i)
	}
	C.keep((*C.int)(unsafe.Pointer(&data[0])))
	fmt.Println(C.read_from_thread())
	runtime.KeepAlive(data)
}
