// A C function returns a pointer to its own stack buffer; Go hands it back to C, which reads it:
// stack-use-after-return.
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s && not %t 2>&1 | FileCheck %s
package main

/*
#include <stdio.h>

static char *format_id(int id) {
	char buf[32];
	snprintf(buf, sizeof buf, "id-%d", id);
	char *volatile escape = buf;
	return escape;
}

static int first_char(const char *s) {
	return s[0];
	// CHECK: ERROR: ffisan: stack-use-after-return
	// CHECK: READ of size 1
	// CHECK: #0 {{.*}} in first_char {{.*}}c_returns_stack_buffer.go:[[@LINE-3]]
}
*/
import "C"

import "fmt"

func main() {
	p := C.format_id(7)
	fmt.Println(C.first_char(p))
}
