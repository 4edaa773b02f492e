// Go workload: many small cgo calls, the way Go code talks to a C library: a C.CString made,
// measured by C and freed with C.free, and a small Go slice lent to C, eight million times each.
package main

/*
#include <stdlib.h>
#include <string.h>

static size_t name_length(const char *s) { return strlen(s); }
static long sum8(const long *v) {
	long s = 0;
	for (int i = 0; i < 8; i++)
		s += v[i];
	return s;
}
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"unsafe"
)

func main() {
	calls := 8_000_000
	if len(os.Args) > 1 {
		calls, _ = strconv.Atoi(os.Args[1])
	}
	names := []string{"gopher", "arena", "span", "pointer-passing rules"}
	v := make([]int64, 8)
	var total int64
	for i := 0; i < calls; i++ {
		cs := C.CString(names[i%len(names)])
		total += int64(C.name_length(cs))
		C.free(unsafe.Pointer(cs))
		v[i%8] = int64(i)
		total += int64(C.sum8((*C.long)(unsafe.Pointer(&v[0]))))
	}
	fmt.Println("total", total)
}
