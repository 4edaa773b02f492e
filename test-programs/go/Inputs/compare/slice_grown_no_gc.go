// cross_domain_slice_grown.go without the runtime.GC() calls: the stale array is garbage but not yet
// swept, so `go build -asan` (which poisons Go memory only when the GC frees it) sees nothing.
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
	"unsafe"
)

func main() {
	s := make([]C.long, 0, 1024)
	for i := 0; i < 1024; i++ {
		s = append(s, C.long(i))
	}
	C.keep((*C.long)(unsafe.Pointer(&s[0])), C.int(len(s)))
	for i := 0; i < 1<<16; i++ {
		s = append(s, 1)
	}
	fmt.Println("sum", C.sum_kept_from_thread(), "len", len(s))
}
