// C keeps &s[0] from one cgo call and reads it in a later cgo call on the same Go thread: the later
// call did not lend it, so it is a cross-domain-access that says "not lent to this call" and names
// the call that lent it earlier.
// REQUIRES: go
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
// RUN: env CGO_CFLAGS=-O0 %ffisan go build -o %t.O0 %s && not %t.O0 2>&1 | FileCheck %s
// RUN: rm -f %t.json && env FFISAN_OPTIONS=json_path=%t.json not %t && FileCheck --check-prefix=JSON %s < %t.json
// CHECK: ERROR: ffisan: cross-domain-access on address [[ADDR:0x[0-9a-f]+]]
// CHECK: READ of size {{[0-9]+}} at [[ADDR]] thread T{{[0-9]+}} (domain: c)
// JSON: "kind":"cross-domain-access"{{.*}}"region":"managed","region_name":"go-heap"{{.*}}"domain":"c"
// JSON-SAME: "go_object":{"base":"0x{{[0-9a-f]+}}","size":64,"lent_to_this_call":false,"lent_earlier_to":"keep"
package main

/*
static long *kept;
static void keep(long *p) { kept = p; }
static long total(int n) {
	long s = 0;
	for (int i = 0; i < n; i++)
		s += kept[i]; // CHECK: #0 {{.*}} in total {{.*}}lent_pointer_kept.go:[[@LINE]]
	return s;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

func sumLater(n int) int64 {
	return int64(C.total(C.int(n))) // CHECK: in main.sumLater {{.*}}lent_pointer_kept.go:[[@LINE]]
}

// CHECK: [[ADDR]] is located 0 bytes inside of the 64-byte Go object [[[ADDR]],0x{{[0-9a-f]+}}), not lent to this call (lent earlier to C.keep on thread T{{[0-9]+}}, which returned)
// CHECK: located in the managed region go-heap {{.*}} (call window: open)

func main() {
	runtime.LockOSThread()
	s := make([]int64, 8)
	for i := range s {
		s[i] = int64(i)
	}
	C.keep((*C.long)(unsafe.Pointer(&s[0])))
	fmt.Println(sumLater(len(s)))
	runtime.KeepAlive(s)
}
