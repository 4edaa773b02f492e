// Under managed_policy=strict any C access to Go memory is reported, even during the call.
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s
// RUN: env FFISAN_OPTIONS=managed_policy=strict not %t 2>&1 | FileCheck %s
// RUN: %t 2>&1 | FileCheck --check-prefix=WINDOW --implicit-check-not=ffisan %s
package main

/*
static long sum(const long *v, int n) {
	long s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	// CHECK: ERROR: ffisan: cross-domain-access
	// CHECK: READ of size {{8|16|32}}
	// CHECK: #0 {{.*}} in sum {{.*}}cross_domain_strict.go:[[@LINE-3]]
	// CHECK: (call window: open)
	return s;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	v := make([]C.long, 1<<14)
	for i := range v {
		v[i] = 1
	}
	fmt.Println("sum", C.sum((*C.long)(unsafe.Pointer(&v[0])), C.int(len(v))))
	// WINDOW: sum 16384
}
