// Under ffisan go, Go's signal handling stays in charge of Go code: a nil dereference in Go is a
// Go panic that recover() catches, with no ffisan report. A SIGSEGV in C code called through cgo
// is forwarded by Go to the handler ffisan installed first, and ends in an ffisan SEGV report
// with the C frames. verbosity=1 stays readable (the per-mmap lines are verbosity=2's).
// REQUIRES: go
// RUN: mkdir -p %t.dir && cd %t.dir && %ffisan go build -o %t %s
// RUN: %t go 2>&1 | FileCheck --check-prefix=GO --implicit-check-not=ffisan %s
// RUN: not %t c 2>&1 | FileCheck --check-prefix=C %s
// RUN: env FFISAN_OPTIONS=verbosity=1 %t go 2>&1 | FileCheck --check-prefix=GO --implicit-check-not=mmap %s
// RUN: env FFISAN_OPTIONS=verbosity=2 %t go 2>&1 | FileCheck --check-prefix=MMAP %s
package main

/*
struct point { long x, y; };

static long get_y(struct point *p) {
	return p->y;
	// C: ERROR: ffisan: SEGV on unknown address 0x000000000008
	// C: The signal is caused by a READ memory access (domain: c).
	// C: #0 {{.*}} in get_y {{.*}}deadly_signal_cgo.go:[[@LINE-3]]
	// C: SUMMARY: ffisan: SEGV {{.*}}deadly_signal_cgo.go:[[@LINE-4]]{{.*}} in get_y
}
*/
import "C"

import (
	"fmt"
	"os"
)

type point struct{ x, y int }

func goY(p *point) (y int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return p.y, nil
}

func main() {
	if os.Args[1] == "go" {
		_, err := goY(nil)
		fmt.Println(err)
		// GO: recovered: runtime error: invalid memory address or nil pointer dereference
		return
	}
	fmt.Println(C.get_y(nil))
}
// MMAP: ffisan: mmap(
