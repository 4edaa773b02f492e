// Clean cgo patterns that ffisan must stay silent on: C reading and writing Go slices during the
// call, C strings freed once, C -> Go -> C callbacks, many goroutines calling C while the GC runs
// (and churning enough C heap that the prefault helper thread starts),
// and Go memory pinned with runtime.Pinner that C keeps, registered as unmanaged for that time.
package main

/*
#include <pthread.h>
#include <stdlib.h>
#include "ffisan.h"

long sum_and_scale(long *v, int n, long factor);
int count_char(const char *s, char c);
long visit(long *v, int n);
long twice(long x);
long copy_out(long *dst, int n);
long churn(int n);

static long *pinned;
static void keep_pinned(long *p, size_t n) {
	pinned = p;
	// Documented workaround: memory the Go side pinned is plain memory to ffisan until unpinned.
	ffisan_unregister_managed_region(p, n);
}
static void *pinned_reader(void *out) { *(long *)out = pinned[0] + pinned[1]; return 0; }
static long read_pinned_from_thread(void) { // a C thread: no call window, yet allowed
	long r = 0;
	pthread_t t;
	pthread_create(&t, 0, pinned_reader, &r);
	pthread_join(t, 0);
	return r;
}
static void release_pinned(size_t n) { ffisan_register_managed_region(pinned, n, "go-heap"); pinned = 0; }
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

//export goVisit
func goVisit(x C.long) C.long {
	return C.twice(x) + 1
}

func main() {
	v := make([]C.long, 4096)
	for i := range v {
		v[i] = C.long(i)
	}
	s := C.sum_and_scale((*C.long)(unsafe.Pointer(&v[0])), C.int(len(v)), 3)
	fmt.Println("sum", s, "scaled", v[10])

	cs := C.CString("a banana")
	fmt.Println("count", C.count_char(cs, 'a'))
	C.free(unsafe.Pointer(cs))

	w := []C.long{1, 2, 3}
	fmt.Println("visit", C.visit((*C.long)(unsafe.Pointer(&w[0])), C.int(len(w))))

	var wg sync.WaitGroup
	var mu sync.Mutex
	total := C.long(0)
	churnTotal := C.long(0)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for round := 0; round < 200; round++ {
				buf := make([]C.long, 256+g)
				last := C.copy_out((*C.long)(unsafe.Pointer(&buf[0])), C.int(len(buf)))
				churned := C.churn(100)
				mu.Lock()
				total += last
				churnTotal += churned
				mu.Unlock()
				if round%50 == 0 {
					runtime.GC()
				}
			}
		}(g)
	}
	wg.Wait()
	fmt.Println("total", total)
	fmt.Println("churn", churnTotal)

	var pinner runtime.Pinner
	kept := make([]C.long, 1024)
	kept[0], kept[1] = 40, 2
	pinner.Pin(&kept[0])
	size := C.size_t(unsafe.Sizeof(kept[0])) * C.size_t(len(kept))
	C.keep_pinned((*C.long)(unsafe.Pointer(&kept[0])), size)
	pinnedSum := C.read_pinned_from_thread()
	C.release_pinned(size)
	pinner.Unpin()
	fmt.Println("pinned", pinnedSum)
}
