// C memory that live Go memory still points to when the leak check runs is no leak: a buffer held
// by a heap object a Go global reaches, one held only by a local of a goroutine parked on a channel,
// and one held by a local of the goroutine that calls the check (through cgo), live after it: the
// goroutines' dead frames are not roots, their live parts are. With Go's checks (default), without
// (--c-only), and at -O0; Go's own check at exit (default) finds nothing either.
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: cd %t.dir && %ffisan go build '-gcflags=all=-N -l' -o %t.O0 %s && %t.O0 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: cd %t.dir && %ffisan go --c-only build -o %t.c %s && %t.c 2>&1 | FileCheck %s --implicit-check-not=ffisan
package main

/*
#include <stdlib.h>
#include <string.h>
#include <sanitizer/lsan_interface.h>
static int check_leaks(void) { return __lsan_do_recoverable_leak_check(); }
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

type node struct {
	payload unsafe.Pointer
	next    *node
}

var root *node

//go:noinline
func parked(ready chan<- struct{}, done <-chan struct{}, out chan<- int) {
	p := C.malloc(32) // only this goroutine's live frame holds it
	C.memset(p, 1, 32)
	ready <- struct{}{}
	<-done
	out <- int(*(*byte)(p))
	C.free(p)
}

func main() {
	root = &node{next: &node{payload: C.malloc(48)}}
	ready, done, out := make(chan struct{}), make(chan struct{}), make(chan int)
	go parked(ready, done, out)
	<-ready
	local := C.malloc(16) // live after the check
	runtime.GC()
	leaked := C.check_leaks()
	close(done)
	fmt.Println("leaked", leaked, <-out, uintptr(local) != 0, root.next.payload != nil)
	// CHECK: leaked 0 1 true true
	C.free(local)
}
