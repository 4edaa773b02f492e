// Seed-article scenario: C is handed a pointer into a Go map's own memory (its header, as the
// article's `(*C.char)(unsafe.Pointer(...))` does), keeps it, and reads the map's element count later
// from its own thread: cross-domain-access. cgocheck does not look behind a *C.char argument.
// REQUIRES: go
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
package main

/*
#include <pthread.h>
#include <stdint.h>

static const char *kept_map;

static void keep_map(const char *m) { kept_map = m; }

static void *count_entries(void *out) {
	*(uint64_t *)out = *(const uint64_t *)kept_map; // the map header's first word: its length
	// CHECK: ERROR: ffisan: cross-domain-access on address [[ADDR:0x[0-9a-f]+]]
	// CHECK-NEXT: READ of size 8 at [[ADDR]] thread T{{[1-9][0-9]*}} (domain: c)
	// CHECK-NEXT: #0 {{.*}} in count_entries {{.*}}cross_domain_map_memory.go:[[@LINE-3]]
	// CHECK: located in the managed region go-heap [0x{{[0-9a-f]+}},0x{{[0-9a-f]+}}) (call window: closed)
	return 0;
}

static uint64_t count_from_thread(void) {
	uint64_t n = 0;
	pthread_t t;
	pthread_create(&t, 0, count_entries, &n);
	pthread_join(t, 0);
	return n;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

var prices = map[string]int{}

func main() {
	for i := 0; i < 1000; i++ {
		prices[fmt.Sprint("item", i)] = i
	}
	header := *(*unsafe.Pointer)(unsafe.Pointer(&prices)) // a map value is a pointer to its header
	C.keep_map((*C.char)(header))
	fmt.Println("entries", C.count_from_thread())
	// CHECK-NOT: {{^}}entries
}
