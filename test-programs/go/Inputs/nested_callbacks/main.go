// Clean nesting: Go -> C -> Go -> C -> Go -> C from many goroutines at once while the GC runs, and
// C threads (created in C) calling exported Go functions that call C again. Every Go memory access
// of C happens inside the cgo call that lent it, on the thread that made the call: no finding.
package main

/*
#include "native.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

//export goStep
func goStep(x C.long) C.long {
	scratch := make([]C.long, 64+int(x)%64) // fresh Go heap memory for the inner call
	return C.fill((*C.long)(unsafe.Pointer(&scratch[0])), C.int(len(scratch)), C.int(x))
}

//export goLeaf
func goLeaf(x C.long) C.long {
	return C.leaf(x) + 1
}

//export goFromThread
func goFromThread(round C.int) C.long {
	buf := make([]C.long, 512)
	r := C.fill_on_c_thread((*C.long)(unsafe.Pointer(&buf[0])), C.int(len(buf)), round)
	if buf[511] != C.long(round)+511 {
		panic("fill did not write the Go slice")
	}
	return r
}

// expectedStep is goStep's result computed in Go.
func expectedStep(x int64) int64 {
	n := 64 + x%64
	return x + (x + n - 1) + ((x ^ 1) + 1)
}

func main() {
	var stop atomic.Bool
	gcDone := make(chan int)
	go func() { // the collector runs all along
		cycles := 0
		for !stop.Load() {
			runtime.GC()
			cycles++
		}
		gcDone <- cycles
	}()

	const goroutines, rounds, width = 32, 40, 50
	var wg sync.WaitGroup
	var bad atomic.Int64
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				v := make([]C.long, width)
				want := int64(0)
				for i := range v {
					v[i] = C.long(g*1000 + r*width + i)
					want += expectedStep(int64(v[i]))
				}
				got := int64(C.walk((*C.long)(unsafe.Pointer(&v[0])), C.int(len(v))))
				if got != want || int64(v[0]) != int64(g*1000+r*width)+1 {
					bad.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()

	const threads, threadRounds = 8, 50
	want := int64(0)
	for r := int64(0); r < threadRounds; r++ {
		want += r + (r + 511) + ((r ^ 1) + 1)
	}
	got := int64(C.run_threads(threads, threadRounds))
	stop.Store(true)
	cycles := <-gcDone
	fmt.Println("goroutine mismatches", bad.Load())
	fmt.Println("threads ok", got == threads*want)
	fmt.Println("gc ran", cycles > 0)
}
