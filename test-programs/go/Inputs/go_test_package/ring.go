// Package ring sums Go slices in C. Its C half has one clean entry point (the slice is used only
// during the call) and one faulty pair: remember keeps the slice pointer, and sumLater reads it from
// a C thread after the call that lent it returned.
package ring

/*
#include <pthread.h>

static long sum(const long *v, int n) {
	long s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

static const long *remembered;
static int remembered_len;

static void remember(const long *v, int n) { remembered = v; remembered_len = n; }

static void *sum_remembered(void *out) {
	*(long *)out = sum(remembered, remembered_len); // a C thread: no cgo call lent this memory
	return 0;
}

static long sum_later(void) {
	long s = 0;
	pthread_t t;
	pthread_create(&t, 0, sum_remembered, &s);
	pthread_join(t, 0);
	return s;
}
*/
import "C"

import "unsafe"

// Sum adds v in C during the call.
func Sum(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	return int64(C.sum((*C.long)(unsafe.Pointer(&v[0])), C.int(len(v))))
}

// Remember hands v to C, which keeps it (the bug: nothing pins or copies it).
func Remember(v []int64) {
	C.remember((*C.long)(unsafe.Pointer(&v[0])), C.int(len(v)))
}

// SumLater sums the remembered slice on a C thread.
func SumLater() int64 { return int64(C.sum_later()) }
