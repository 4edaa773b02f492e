// C writes 9 bytes past the end of the 16-byte Go slice it was lent: a heap-buffer-overflow in
// go-heap naming the Go object and its size, with the Go frames that made the call.
// REQUIRES: go
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
// RUN: env CGO_CFLAGS=-O0 %ffisan go build -o %t.O0 %s && not %t.O0 2>&1 | FileCheck %s
// CHECK: ERROR: ffisan: heap-buffer-overflow on address [[ADDR:0x[0-9a-f]+]]
// CHECK: WRITE of size {{[0-9]+}} at [[ADDR]] thread T{{[0-9]+}} (domain: c)
package main

/*
static void fill(unsigned char *p, int n) {
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)i; // CHECK: #0 {{.*}} in fill {{.*}}lent_object_overflow.go:[[@LINE]]
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func fillTooMuch(s []byte) {
	C.fill((*C.uchar)(unsafe.Pointer(&s[0])), C.int(len(s)+9)) // CHECK: in main.fillTooMuch {{.*}}lent_object_overflow.go:[[@LINE]]
}

// CHECK: [[ADDR]] is located 0 bytes after the 16-byte Go object [0x{{[0-9a-f]+}},0x{{[0-9a-f]+}}) lent to this call
// CHECK: located in the managed region go-heap
// CHECK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}lent_object_overflow.go

func main() {
	s := make([]byte, 16)
	fillTooMuch(s)
	fmt.Println(s[0])
}
